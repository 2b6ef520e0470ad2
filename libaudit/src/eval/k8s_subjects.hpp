#pragma once
// The Kubernetes subject kinds, built from the manifests of a manifests
// snapshot (`scan --manifests`):
//
//   k8s-container  every container, initContainer and ephemeralContainer of
//                  every workload with a pod template
//   k8s-workload   every workload (pod-level settings)
//   k8s-namespace  every namespace seen, with its NetworkPolicies and Istio
//                  PeerAuthentications
//
// The documents they give their checks are described in checks/README.md.
// Pure: the snapshot holds the files.

#include "eval/subjects.hpp"

namespace fleetaudit::k8s {

/// Istio's root namespace: a PeerAuthentication there without a selector
/// sets the mesh-wide mode.
inline constexpr const char* kIstioRootNamespace = "istio-system";
/// A namespace label that marks its workloads as untrusted (they must run in
/// a sandboxed runtime), besides the policy list `untrusted_namespaces`.
inline constexpr const char* kUntrustedLabel = "fleetaudit.io/untrusted";

void plan(Plan& plan);
SubjectSet build_containers(const Snapshot& snapshot, const SnapshotIndex& index, const parse::TextSource& source);
SubjectSet build_workloads(const Snapshot& snapshot, const SnapshotIndex& index, const parse::TextSource& source);
SubjectSet build_namespaces(const Snapshot& snapshot, const SnapshotIndex& index, const parse::TextSource& source);

}  // namespace fleetaudit::k8s
