#!/usr/bin/env bash
# Builds the real management-cluster components from upstream Go modules, through the Go module proxy.
#
# Every directory mgmt/go/<module>/ is a Go module of its own (go.mod with `tool` directives, go.sum,
# optionally a few lines of our own under cmd/). Each module is built with one `go build -trimpath`
# of all its main packages (`tool` plus ./cmd/...) into <cache>/bin/<module>/<binary>.
#
# The cache directory is keyed by a hash of the Go version and every file under mgmt/go, so changing
# a version builds into a new directory, and an unchanged one is reused without running Go at all.
# Each module's binaries are also kept under <cache root>/modules/<module>-<hash of its files>, so a
# change to one module rebuilds that module only.
# Prints the bin directory as its last line.
#
# Environment:
#   CAPI_CONSTRUCTS_CACHE  cache root (default ~/.cache/capi-constructs)
#   CAPI_BUILD_OPTIONAL    1 builds the modules listed in mgmt/optional-modules too (a cached one is always reused)
#   GO                     the go command (default: go on PATH; Go >= 1.26 is required)
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
if ! command -v "$GO" >/dev/null; then
  echo "mgmt:build: the go command is not on PATH (Go >= 1.26 and the module proxy are needed)" >&2
  exit 2
fi
goversion=$("$GO" env GOVERSION)
case "$goversion" in
  go1.2[6-9]*|go1.[3-9][0-9]*|go[2-9]*) ;;
  *) echo "mgmt:build: Go >= 1.26 is required, found $goversion" >&2; exit 2 ;;
esac

root=${CAPI_CONSTRUCTS_CACHE:-$HOME/.cache/capi-constructs}
hash=$( { echo "$goversion $(uname -s)/$(uname -m) optional=${CAPI_BUILD_OPTIONAL:-}"; cat mgmt/optional-modules; find mgmt/go -type f -print0 | sort -z | xargs -0 sha256sum; } \
  | sha256sum | cut -c1-16)
dir=$root/$hash
bin=$dir/bin

if [ -f "$dir/complete" ]; then
  echo "mgmt:build: components are built already (reused)" >&2
  echo "$bin"
  exit 0
fi

mkdir -p "$dir"
staging=$(mktemp -d "$dir/staging.XXXXXX")
mkdir -p "$staging/bin" "$staging/crds"
trap 'rm -rf "$staging"' EXIT
times=$staging/build-times.txt
total_start=$(date +%s)

for mod in mgmt/go/*/; do
  name=$(basename "$mod")
  # Each module is also cached on its own (keyed by its files), so changing one module rebuilds only it.
  modhash=$( { echo "$goversion $(uname -s)/$(uname -m)"; cd "$mod" && find . -type f -print0 | sort -z | xargs -0 sha256sum; } | sha256sum | cut -c1-16)
  modcache=$root/modules/$name-$modhash
  if [ -f "$modcache/complete" ]; then
    echo "mgmt:build: $name: reused from $modcache" >&2
    cp -al "$modcache/bin" "$staging/bin/$name" 2>/dev/null || cp -a "$modcache/bin" "$staging/bin/$name"
    [ -d "$modcache/crds" ] && cp -a "$modcache/crds" "$staging/crds/$name"
    continue
  fi
  if grep -qx "$name" mgmt/optional-modules 2>/dev/null && [ "${CAPI_BUILD_OPTIONAL:-}" != 1 ]; then
    echo "mgmt:build: $name: optional, not built (CAPI_BUILD_OPTIONAL=1 builds it; see mgmt/optional-modules)" >&2
    continue
  fi
  out=$staging/bin/$name
  mkdir -p "$out"
  start=$(date +%s)
  # Optional executable `build`: builds the module's binaries into its argument instead of `go build`
  # (e.g. the Pulumi Kubernetes provider, whose main package embeds files its `go generate` writes).
  if [ -x "$mod/build" ]; then
    (cd "$mod" && GO="$GO" ./build "$out")
    echo "$name $(( $(date +%s) - start ))s" | tee -a "$times" >&2
    rm -rf "$modcache"; mkdir -p "$modcache"
    cp -al "$out" "$modcache/bin" 2>/dev/null || cp -a "$out" "$modcache/bin"
    touch "$modcache/complete"
    continue
  fi
  patterns=(tool)
  [ -d "$mod/cmd" ] && patterns+=(./cmd/...)
  # Optional `ldflags` file: linker flags, e.g. the version the Kubernetes binaries report.
  ldflags=()
  [ -f "$mod/ldflags" ] && ldflags=(-ldflags "$(tr '\n' ' ' < "$mod/ldflags")")
  # Main packages whose last path element collides (Cluster API's bootstrap/kubeadm and
  # controlplane/kubeadm) cannot share one -o directory; they are built one by one, named
  # <parent>-<name>. All others go through a single go build.
  mapfile -t pkgs < <(cd "$mod" && "$GO" list -f '{{if eq .Name "main"}}{{.ImportPath}}{{end}}' "${patterns[@]}")
  declare -A count=()
  for p in "${pkgs[@]}"; do b=${p##*/}; count[$b]=$(( ${count[$b]:-0} + 1 )); done
  together=(); apart=()
  for p in "${pkgs[@]}"; do
    if [ "${count[${p##*/}]}" -gt 1 ]; then apart+=("$p"); else together+=("$p"); fi
  done
  unset count
  echo "mgmt:build: $name: ${pkgs[*]}" >&2
  if [ ${#together[@]} -gt 0 ]; then
    (cd "$mod" && "$GO" build -trimpath "${ldflags[@]}" -o "$out/" "${together[@]}")
  fi
  for p in "${apart[@]}"; do
    parent=${p%/*}; parent=${parent##*/}
    (cd "$mod" && "$GO" build -trimpath "${ldflags[@]}" -o "$out/$parent-${p##*/}" "$p")
  done
  echo "$name $(( $(date +%s) - start ))s" | tee -a "$times" >&2
  # Optional `crds` file: lines `<module path> <folder>`; the CRD files of that folder, in the module
  # at the version this module's go.sum pins, are installed beside the managers (e.g. the
  # openstack-resource-controller CRDs that CAPO's manager watches).
  if [ -f "$mod/crds" ]; then
    mkdir -p "$staging/crds/$name"
    while read -r modpath folder; do
      [ -z "$modpath" ] && continue
      src=$(cd "$mod" && "$GO" mod download -json "$modpath" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')
      cp "$src/$folder"/*.yaml "$staging/crds/$name/"
    done < "$mod/crds"
    chmod -R u+w "$staging/crds/$name"
  fi
  rm -rf "$modcache"; mkdir -p "$modcache"
  cp -al "$out" "$modcache/bin" 2>/dev/null || cp -a "$out" "$modcache/bin"
  [ -d "$staging/crds/$name" ] && cp -a "$staging/crds/$name" "$modcache/crds"
  touch "$modcache/complete"
done
echo "total $(( $(date +%s) - total_start ))s" | tee -a "$times" >&2

rm -rf "$bin" "$dir/crds"
mv "$staging/bin" "$bin"
mv "$staging/crds" "$dir/crds"
mv "$times" "$dir/build-times.txt"
touch "$dir/complete"
echo "$bin"
