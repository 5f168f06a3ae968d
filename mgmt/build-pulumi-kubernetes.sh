#!/usr/bin/env bash
# Builds the Pulumi Kubernetes provider plugin (pulumi-resource-kubernetes) into $1 (a bin dir).
#
# The module version is the one pinned in mgmt/pulumi-kubernetes/go.mod (checked against its go.sum and
# the Go checksum database). Upstream's main package embeds schema-embed.json and
# terraform-mapping-embed.json, which its `go generate` step writes from the committed schema.json; the
# module zip does not carry them. So the script copies the module to a work dir, runs upstream's
# generate.go there (VERSION = the plugin version), points the provider's `../sdk` replace at the
# published sdk/v4 module of the same release, and builds.
set -euo pipefail
bin=${1:?usage: build-pulumi-kubernetes.sh <bin dir>}
here=$(cd "$(dirname "$0")/pulumi-kubernetes" && pwd)
version=4.25.0   # the release of the pinned commit (tag v4.25.0 = f47bc2d6f199)
sdk=github.com/pulumi/pulumi-kubernetes/sdk/v4@v${version}
mod=github.com/pulumi/pulumi-kubernetes/provider/v4

dir=$(cd "$here" && go mod download -json "$mod" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -d "$dir" ] || { echo "go mod download $mod gave no directory" >&2; exit 1; }
work=$(mktemp -d)
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
cp -r "$dir"/. "$work"/
chmod -R u+w "$work"
cd "$work"
go mod edit -replace "github.com/pulumi/pulumi-kubernetes/sdk/v4=$sdk"
export GOFLAGS=-mod=mod
(cd cmd/pulumi-resource-kubernetes && VERSION=$version go run generate.go)
mkdir -p "$bin"
go build -trimpath -ldflags "-X $mod/pkg/version.Version=$version" -o "$bin/" ./cmd/pulumi-resource-kubernetes
echo "built $bin/pulumi-resource-kubernetes ($mod, release v$version)"
