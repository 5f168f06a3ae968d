// The Pulumi Kubernetes provider plugin (pulumi-resource-kubernetes), pinned.
// Not a tool module: the provider embeds a schema that its own `go generate`
// step writes, so ./build builds it from a copy of this module version.
module capi-constructs.local/mgmt/pulumi-kubernetes

go 1.24.7

require github.com/pulumi/pulumi-kubernetes/provider/v4 v4.0.0-20260115033456-f47bc2d6f199
