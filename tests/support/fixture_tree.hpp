#pragma once
// Fixture hosts: root trees described in YAML (tests/fixtures/hosts/NAME.yaml)
// and materialized into a temporary directory with real modes, owners and
// symbolic links - things git cannot store.
//
// Spec:
//   description: what this host is for
//   base: other-fixture            # or a list; merged first, in order
//   files:
//     /etc/ssh/sshd_config:        # absolute host path
//       content: |                 # a regular file (default content: empty)
//         PermitRootLogin no
//       mode: "0600"               # default 0644 files, 0755 directories
//       owner: root                # name (from the fixture's /etc/passwd) or number
//       group: root
//     /var/lib/rpm/rpmdb.sqlite:
//       from: rpmdb/rhel9-base.sqlite   # binary content from a file under tests/fixtures
//     /var/lib/x.bin:
//       base64: AAECAw==               # or binary content written inline
//     /etc/systemd/system/x.service:
//       link: /dev/null            # a symbolic link
//     /var/log/audit:
//       dir: true                  # a directory
//     /run/docker.sock:
//       socket: true               # a unix socket file (nothing listens on it)
//       group: docker
//     /var/lib/docker/overlay2/x/diff/etc/motd:
//       whiteout: true             # overlayfs's whiteout: a character device 0/0
//     /etc/motd: null              # remove what a base put here
//   tags: [edge, k8s-node]         # role tags the host is scanned with
//   policy:                        # site policy lists the host is evaluated with (scan --policy)
//     docker_group_members: [admin]
//   packages:                      # rendered into /var/lib/dpkg/status
//     openssh-server: "1:9.2p1-2+deb12u3"
//     telnet: null                 # remove a base's package

#include <filesystem>
#include <string>
#include <vector>

namespace fleetaudit::testing {

/// Names of every fixture under tests/fixtures/hosts (without .yaml), sorted.
std::vector<std::string> fixture_names();
/// Names of the manifest fixtures: the directories under
/// tests/fixtures/manifests, each one manifests scan, sorted.
std::vector<std::string> manifest_fixture_names();

/// The fixture's role tags (its own `tags:` list; not inherited from bases):
/// the scan gives them to the host as an inventory would.
std::vector<std::string> fixture_tags(const std::string& name);

/// Builds fixture `name` under `dest` (created; must not exist or be empty).
/// Throws std::runtime_error naming the spec file and line on bad specs.
void materialize_fixture(const std::string& name, const std::filesystem::path& dest);

/// The fixture's site policy (its `policy:` lists and its bases') as YAML
/// for parse_policy(), or empty when it has none.
std::string fixture_policy(const std::string& name);

/// A materialized fixture in a fresh temporary directory, removed on destruction.
class FixtureTree {
 public:
  explicit FixtureTree(const std::string& name);
  ~FixtureTree();
  FixtureTree(const FixtureTree&) = delete;
  FixtureTree& operator=(const FixtureTree&) = delete;
  const std::filesystem::path& root() const noexcept { return root_; }

 private:
  std::filesystem::path root_;
};

/// A fresh empty temporary directory, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

std::filesystem::path fixtures_dir();
/// The bytes of a file under tests/fixtures ("rpmdb/rhel9-base.sqlite");
/// throws std::runtime_error when it cannot be read.
std::string fixture_bytes(const std::string& relative);
std::filesystem::path source_dir();

}  // namespace fleetaudit::testing
