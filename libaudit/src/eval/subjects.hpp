#pragma once
// Subjects: the things on a host that a check examines one at a time (a
// Docker container, a Kubernetes workload's container, a namespace ...).
// A check with `subject: KIND` is evaluated once per subject of that kind;
// its `doc` rules without a `file` read the subject's document.
//
// Each kind is registered here with what to collect for it and how to build
// its subjects from a snapshot. Pure: no I/O (the snapshot has the files).

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetaudit/plan.hpp"
#include "fleetaudit/snapshot.hpp"

namespace fleetaudit {

class SnapshotIndex;
namespace parse {
class TextSource;
}

struct Subject {
  std::string id;        // stable within the host: "docker:3f2a9c..." (a container id, a workload path)
  std::string name;      // what a person reads in a report: "web-1 (3f2a9c4b1d0e)"
  std::string source;    // where its document came from (a file on the host)
  nlohmann::json doc;    // the document its `doc` rules read
};

/// Everything one kind yields on one host.
struct SubjectSet {
  std::vector<Subject> subjects;
  std::vector<std::string> problems;  // documents that could not be read or parsed (reported, not fatal)
  bool available = true;              // false: the facts themselves could not be collected
  std::string why;                    // when not available, or when empty ("no Docker data root")
};

struct SubjectKind {
  std::string_view name;         // "docker-container"
  std::string_view description;  // for messages and documentation
  void (*plan)(Plan& plan);      // what to collect for it
  SubjectSet (*build)(const Snapshot& snapshot, const SnapshotIndex& index, const parse::TextSource& source);
  /// Its subjects come from Kubernetes manifests (a manifests snapshot), not
  /// from a host: only such kinds apply to a manifests snapshot.
  bool from_manifests = false;
};

/// The registered kinds (order of registration).
const std::vector<SubjectKind>& subject_kinds();
const SubjectKind* find_subject_kind(std::string_view name);
std::vector<std::string> subject_kind_names();

}  // namespace fleetaudit
