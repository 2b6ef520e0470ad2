#pragma once
// Container root file systems, from on-disk state only.
//
// A container's root is a stack of directories (overlay layers), topmost
// first. Where each runtime keeps the stack:
//   Docker (overlay2)   <data-root>/image/overlay2/layerdb/mounts/<container>/mount-id
//                       names <data-root>/overlay2/<mount-id>/ (its diff/ is the
//                       writable layer); its `lower` file lists the image's
//                       layers as l/<short> links to ../<layer>/diff, topmost first.
//   podman              <graphroot>/overlay-containers/containers.json gives the
//   (containers/storage) container's layer; <graphroot>/overlay/<layer>/diff and
//                       its `lower` file, as Docker's.
//   containerd          the running task's overlay mount in /proc/mounts
//   (overlayfs snapshotter) (upperdir, lowerdir), mounted on
//                       <state>/io.containerd.runtime.v2.task/<namespace>/<id>/rootfs;
//                       stopped containers' snapshots live in containerd's
//                       bolt database, which is not read.
//
// What the file at a path inside the container is, is worked out the way
// overlayfs does from the layers' entries, collected by stat: the topmost
// layer with the entry wins; a character device (overlayfs's whiteout) or a
// `.wh.<name>` file hides the name in the layers below; a `.wh..wh..opq`
// file makes a directory opaque (the layers below add nothing to it); a
// symbolic link is followed inside the container (etc/os-release ->
// ../usr/lib/os-release). Overlayfs's own opaque marker is an extended
// attribute, which the collectors do not read: a directory made opaque that
// way still shows what the layers below it have.
//
// The plan collects, for every layer directory of every runtime (shared
// image layers once), the entries on the way to a fixed set of files
// (os-release, the dpkg, rpm and apk databases); the follow-up round reads
// the content of the one copy each container sees. Pure, no I/O.

#include <string>
#include <string_view>
#include <vector>

#include "fleetaudit/plan.hpp"
#include "fleetaudit/snapshot.hpp"

namespace fleetaudit::detail {

/// The files read inside every container, relative to its root.
const std::vector<std::string>& container_files();

/// Adds what finding containers and their roots needs (globs over every
/// layer directory; runtime metadata) to a plan.
void add_container_plan(Plan& plan);

/// The plan item that says a plan asks for containers (at its default
/// place), and the layer directories of Docker and containers/storage at
/// their defaults: the agentless shell script, which has no follow-up
/// round, reads each layer stack's own copies there itself.
const std::string& container_plan_marker();
const std::vector<std::string>& container_layer_dirs();

struct ContainerRoot {
  std::string runtime;   // docker, podman, containerd
  std::string id;        // full id (containerd: namespace/id)
  std::vector<std::string> layers;  // host paths, topmost first
  std::string problem;   // why the layers could not be worked out
  bool running = false;  // its root is mounted (/proc/mounts)
};

/// Every container whose root the snapshot describes, sorted by runtime and id.
std::vector<ContainerRoot> container_roots(const Snapshot& snapshot);

/// A file inside a container.
struct LayerFile {
  enum class State { found, missing, not_collected } state = State::missing;
  std::string host_path;  // the copy the container sees, when found
  std::string path;       // the path inside the container it resolved to (after links)
  std::string note;       // a whiteout or link that decided, for evidence
};
/// Finds files inside containers' layer stacks. Holds the snapshot.
class LayerReader {
 public:
  explicit LayerReader(const Snapshot& snapshot);
  LayerFile find(const std::vector<std::string>& layers, std::string_view path) const;

 private:
  const Snapshot& s_;
  std::vector<std::string> bases_;  // layer directory globs the snapshot expanded
};

/// The follow-up round: the content of each container's own copy of
/// container_files(), where not collected yet.
void container_followups(const Snapshot& snapshot, Plan& next);

}  // namespace fleetaudit::detail
