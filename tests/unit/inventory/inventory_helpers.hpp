#pragma once
// Inventories parsed against an in-memory home (/home/op, user op) and an
// in-memory file tree for the ssh client configuration: no test reads the
// real ~/.ssh.

#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <string>
#include <string_view>

#include "fleetaudit/inventory.hpp"
#include "inventory/model.hpp"
#include "util/strings.hpp"

namespace fleetaudit::testing {

struct FakeFs {
  std::map<std::string, std::string> files;
  std::set<std::string> unreadable;

  detail::SshConfigFs fs() const {
    detail::SshConfigFs out;
    out.read = [this](const std::string& path) {
      detail::SshFile f;
      if (unreadable.count(path)) {
        f.status = detail::SshFile::Status::unreadable;
        f.reason = "permission denied";
        return f;
      }
      auto it = files.find(path);
      if (it == files.end()) return f;
      f.status = detail::SshFile::Status::ok;
      f.text = it->second;
      return f;
    };
    out.glob = [this](const std::string& pattern) {
      std::vector<std::string> matches;
      for (const auto& [path, text] : files) {
        if (util::glob_match(pattern, path)) matches.push_back(path);
      }
      for (const auto& path : unreadable) {
        if (util::glob_match(pattern, path)) matches.push_back(path);
      }
      std::sort(matches.begin(), matches.end());
      return matches;
    };
    return out;
  }

  detail::InventoryEnv env() const { return {"/home/op", "op", fs()}; }
};

inline const std::string kSshConfigPath = "/home/op/.ssh/config";

/// Parses `text` with `fs` holding the ssh configuration (default ~/.ssh/config).
inline InventoryLoad parse_with(std::string_view text, const std::string& display, const FakeFs& fs = {}) {
  return detail::parse_inventory_in(text, display, InventoryOptions{}, fs.env());
}

/// Every diagnostic, one "file:line:column: message" per line.
inline std::string all_diagnostics(const InventoryLoad& r) {
  std::string out;
  for (const auto& d : r.diagnostics) out += d.str() + "\n";
  return out;
}

inline std::string first_diagnostic(const InventoryLoad& r) {
  return r.diagnostics.empty() ? std::string("(no error)") : r.diagnostics.front().str();
}

/// The host named so; fails the test when absent.
inline const InventoryHost& host(const InventoryLoad& r, std::string_view name) {
  for (const auto& h : r.inventory.hosts) {
    if (h.name == name) return h;
  }
  FAIL("no host '" << name << "'");
  throw std::logic_error("unreachable");
}

inline std::vector<std::string> host_names(const InventoryLoad& r) {
  std::vector<std::string> out;
  for (const auto& h : r.inventory.hosts) out.push_back(h.name);
  return out;
}

inline std::vector<std::string> names_of(const std::vector<const InventoryHost*>& hosts) {
  std::vector<std::string> out;
  for (const auto* h : hosts) out.push_back(h->name);
  return out;
}

/// The 1-based number of the first line of `text` containing `needle`.
inline int line_of(std::string_view text, std::string_view needle) {
  for (const auto& l : util::split_lines(text)) {
    if (l.text.find(needle) != std::string_view::npos) return l.number;
  }
  return 0;
}

}  // namespace fleetaudit::testing
