// Types of render/preflight.mjs (plain JavaScript so that old Node versions parse it).
export declare const NEEDED: string;
export declare const INSTALL_VERSION: string;
export declare function installCommand(platform: string, arch: string): string;
export declare function preflight(version: string, platform: string, arch: string): string | undefined;
