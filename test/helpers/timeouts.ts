// Timeouts are a guard against a hung case, never a speed check (speed belongs to `npm run bench`,
// which reports and never asserts). A case that runs several CLI processes takes seconds on an
// idle machine and minutes on a shared one under load: it gets ten minutes before it counts as hung.
export const SLOW_CASE = 600_000;
