#!/usr/bin/env bash
# The e2e environment's kind cluster and its neighbours, for CI (.github/workflows/cluster-e2e.yml)
# and laptops (docs/e2e.md) alike: `npm run e2e:kind -- <step>`. Facts come from environments/e2e.ts
# through .ci/e2e-facts.ts; pinned tool versions are below.
#   changed  (CI) prints relevant=true|false to $GITHUB_OUTPUT: did HEAD^1..HEAD touch what renders?
#   tools    installs kind and the CNI bridge plugin (go install: checksums from sum.golang.org)
#   up       the `kind` Docker network at the environment's node subnet, the cluster, node packages,
#            and a check that every node got the address environments/e2e.ts declares
#   nfs      exports the environment's NFS path from this machine (the network's gateway)
#   serve    serves rendered/ (as committed in a throw-away repository) with git daemon at the
#            environment's gitops.repoURL: Argo CD syncs exactly the bytes under test
#   down     deletes the cluster and stops the git daemon
set -euo pipefail
cd "$(dirname "$0")/.."

KIND_VERSION=v0.29.0
# The node image kind v0.29.0's release notes name for Kubernetes 1.33, by digest.
KIND_NODE_IMAGE=kindest/node:v1.33.1@sha256:050072256b9a903bd914c0b2866828150cb229cea0efe5892e2b644d5dd3b34f
# kind's node image ships only loopback, host-local, ptp and portmap; flannel delegates to bridge.
CNI_PLUGINS_VERSION=v1.7.1
STATE="${E2E_STATE_DIR:-${RUNNER_TEMP:-/tmp}/gitops-e2e}"
BIN="$STATE/bin"
export PATH="$BIN:$PATH"

# Through the strip cache, as the npm scripts run TypeScript (Node's own stripper costs each run ~80 ms).
facts() { node --import ./render/strip-cache.mjs .ci/e2e-facts.ts "$@"; }
fact() { facts get "$1"; }
die() { echo "error: $*" >&2; exit 1; }

changed() {
  local files
  files=$(git diff --name-only HEAD^1 HEAD)
  if grep -qE '^(platform|apps|environments|render|rendered/e2e)/|^\.ci/e2e-|^\.github/workflows/cluster-e2e\.yml$|^package(-lock)?\.json$' <<<"$files"; then
    echo "relevant=true" >>"${GITHUB_OUTPUT:-/dev/stdout}"
  else
    echo "relevant=false" >>"${GITHUB_OUTPUT:-/dev/stdout}"
  fi
}

tools() {
  mkdir -p "$BIN"
  command -v go >/dev/null || die "go is needed to install kind $KIND_VERSION (or put kind $KIND_VERSION on PATH)"
  GOBIN="$BIN" go install "sigs.k8s.io/kind@$KIND_VERSION"
  CGO_ENABLED=0 GOBIN="$BIN" go install "github.com/containernetworking/plugins/plugins/main/bridge@$CNI_PLUGINS_VERSION"
  kind version
}

up() {
  local cluster subnet actual
  cluster=$(fact cluster)
  subnet=$(fact node-subnet)
  command -v kind >/dev/null || die "kind not on PATH: run npm run e2e:kind -- tools"
  # kind reuses an existing network called `kind`: create it with the environment's subnet first,
  # so that the MetalLB pool and the NFS/git addresses of environments/e2e.ts are on it.
  if ! docker network inspect kind >/dev/null 2>&1; then
    docker network create --driver bridge --subnet "$subnet" --gateway "$(fact nfs-server)" -o com.docker.network.bridge.enable_ip_masquerade=true kind >/dev/null
  fi
  actual=$(docker network inspect kind -f '{{range .IPAM.Config}}{{.Subnet}} {{end}}')
  case " $actual" in
    *" $subnet "*) ;;
    *) die "the Docker network kind has subnet(s) ${actual}but environments/e2e.ts expects $subnet (pool $(fact lb-first)-$(fact lb-last)): remove it (docker network rm kind, after deleting its clusters) and run this again" ;;
  esac
  mkdir -p "$STATE"
  facts kind-config >"$STATE/kind-config.yaml"
  cat "$STATE/kind-config.yaml"
  for attempt in 1 2 3; do
    kind delete cluster --name "$cluster" >/dev/null 2>&1 || true
    kind create cluster --image "$KIND_NODE_IMAGE" --config "$STATE/kind-config.yaml" --wait 0s
    if check_addresses; then break; fi
    [ "$attempt" = 3 ] && die "kind gave the nodes other addresses than environments/e2e.ts declares, three times (see above)"
    echo "recreating the cluster (attempt $((attempt + 1))/3): kind starts nodes in parallel and Docker hands out addresses in start order"
  done
  for node in $(kind get nodes --name "$cluster"); do
    # The kubelet mounts NFS volumes itself (mount.nfs); flannel needs the bridge plugin.
    docker exec "$node" sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nfs-common >/dev/null'
    docker cp "$BIN/bridge" "$node:/opt/cni/bin/bridge"
  done
  kubectl --context "$(fact context)" get nodes -o wide
}

check_addresses() {
  local ok=0 name ip got
  while read -r name ip; do
    got=$(docker inspect -f '{{with index .NetworkSettings.Networks "kind"}}{{.IPAddress}}{{end}}' "$name" 2>/dev/null || echo none)
    if [ "$got" != "$ip" ]; then
      echo "node $name has address $got, environments/e2e.ts declares $ip" >&2
      ok=1
    fi
  done < <(facts nodes)
  return "$ok"
}

nfs() {
  local path subnet
  path=$(fact nfs-path)
  subnet=$(fact node-subnet)
  if ! command -v exportfs >/dev/null; then
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nfs-kernel-server >/dev/null
  fi
  sudo mkdir -p "$path" /etc/exports.d
  sudo chmod 0777 "$path"
  echo "$path $subnet(rw,sync,no_subtree_check,no_root_squash)" | sudo tee /etc/exports.d/gitops-e2e.exports >/dev/null
  sudo systemctl start nfs-kernel-server 2>/dev/null || sudo service nfs-kernel-server start
  sudo exportfs -ra
  sudo exportfs -v
}

serve() {
  local host repo dir sha
  host=$(fact git-host)
  repo=$(fact git-repo)
  [ -n "$host" ] && [ -n "$repo" ] || die "environments/e2e.ts gitops.repoURL is not git://<host>/<name>"
  sha=$(git rev-parse HEAD)
  dir="$STATE/git/$repo"
  rm -rf "$dir"
  mkdir -p "$dir"
  # A snapshot of rendered/ as it is now (after `npm run render -- --env e2e`), not the branch:
  # no history to fetch, nothing from outside rendered/, and a stale commit cannot hide a change.
  cp -R rendered "$dir/rendered"
  git -C "$dir" init -q -b e2e
  git -C "$dir" add -A
  git -C "$dir" -c user.name=e2e -c user.email=e2e@localhost commit -qm "rendered/ of $sha"
  stop_daemon
  git daemon --detach --pid-file="$STATE/git-daemon.pid" --reuseaddr --export-all --listen="$host" --base-path="$STATE/git" "$STATE/git"
  git ls-remote "git://$host/$repo" HEAD
}

stop_daemon() {
  if [ -f "$STATE/git-daemon.pid" ]; then
    kill "$(cat "$STATE/git-daemon.pid")" 2>/dev/null || true
    rm -f "$STATE/git-daemon.pid"
  fi
}

down() {
  stop_daemon
  kind delete cluster --name "$(fact cluster)"
}

case "${1:-}" in
  changed | tools | up | nfs | serve | down) "$1" ;;
  *) echo "usage: npm run e2e:kind -- changed|tools|up|nfs|serve|down" >&2; exit 2 ;;
esac
