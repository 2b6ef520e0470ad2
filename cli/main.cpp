// The fleetaudit command line. It parses arguments, calls the library's public
// API and prints; it never orchestrates a scan itself.

#include <fleetaudit/fleetaudit.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <chrono>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fa = fleetaudit;

namespace {

constexpr int kExitOk = 0;
constexpr int kExitError = 1;
constexpr int kExitFindings = 2;
constexpr const char* kDefaultProfile = "cis-debian-12";
constexpr const char* kDefaultManifestsProfile = "k8s-pod-security";

// Thrown by helpers to end the command with a message and exit code 1.
struct CliError {
  std::string message;
};

// Columns for the table: the terminal's width, or room enough when piped.
int output_width(bool to_terminal) {
  if (to_terminal && ::isatty(STDOUT_FILENO) == 1) {
    winsize ws{};
    if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 60) return ws.ws_col;
  }
  return 160;
}

bool stdout_is_color_terminal() {
  if (std::getenv("NO_COLOR")) return false;
  const char* term = std::getenv("TERM");
  if (term && std::string_view(term) == "dumb") return false;
  return ::isatty(STDOUT_FILENO) == 1;
}

fa::ContentSet load_content(const std::string& dir) {
  auto loaded = fa::load_content_dir(dir);
  if (!loaded) throw CliError{loaded.error().message};
  return std::move(*loaded);
}

void write_output(const std::string& text, const std::string& path) {
  if (path.empty() || path == "-") {
    std::cout << text;
    std::cout.flush();
    return;
  }
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status link = fs::symlink_status(path, ec);
  const fs::file_status target = fs::status(path, ec);
  auto write_to = [&](const std::string& file, bool exclusive) {
    int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | (exclusive ? O_EXCL : O_TRUNC), 0644);
    if (fd < 0) throw CliError{path + ": cannot write: " + std::strerror(errno)};
    std::string_view rest = text;
    while (!rest.empty()) {
      ssize_t n = ::write(fd, rest.data(), rest.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        int e = errno;
        ::close(fd);
        if (exclusive) ::unlink(file.c_str());
        throw CliError{path + ": write failed: " + std::strerror(e)};
      }
      rest.remove_prefix(static_cast<std::size_t>(n));
    }
    if (::close(fd) != 0) {
      if (exclusive) ::unlink(file.c_str());
      throw CliError{path + ": write failed: " + std::strerror(errno)};
    }
  };
  // A device, a pipe or a symbolic link (/dev/null, /dev/stdout, a FIFO) is
  // written in place: renaming over it would replace the node itself.
  if (fs::exists(link) && (fs::is_symlink(link) || !fs::is_regular_file(target))) {
    write_to(path, false);
    return;
  }
  // A regular file: write beside it and rename, so a failed write never
  // leaves half a report.
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  write_to(tmp, true);
  fs::rename(tmp, path, ec);
  if (ec) {
    ::unlink(tmp.c_str());
    throw CliError{path + ": cannot write: " + ec.message()};
  }
}

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CliError{path + ": cannot open: " + std::strerror(errno)};
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fa::Policy load_policy_file(const std::string& path) {
  auto p = fa::parse_policy(read_text_file(path), path);
  if (!p) throw CliError{p.error().message};
  return std::move(*p);
}

fa::WaiverSet load_waivers_file(const std::string& path, const fa::ContentSet& content) {
  auto w = fa::parse_waivers(read_text_file(path), path, &content);
  if (!w) throw CliError{w.error().message};
  return std::move(*w);
}

// --fail-on: the lowest severity whose failure makes the exit code 2; "none" never does.
std::optional<fa::Severity> parse_threshold(const std::string& s) {
  if (s == "none") return std::nullopt;
  auto sev = fa::parse_severity(s);
  if (!sev) throw CliError{"--fail-on: unknown severity '" + s + "' (info, low, medium, high, critical or none)"};
  return sev;
}

int exit_code_for(const fa::ScanReport& report, const std::optional<fa::Severity>& threshold) {
  auto worst = fa::worst_failure(report);
  if (threshold && worst && *worst >= *threshold) return kExitFindings;
  return kExitOk;
}

struct OutputOptions {
  std::string format = "table";
  std::string output;
  std::string color = "auto";
  bool problems_only = false;
};

void add_output_options(CLI::App* cmd, OutputOptions& o) {
  cmd->add_option("--format", o.format, "Report format: table, json, junit (CI), sarif (code scanning), csv, html (one self-contained file)")
      ->check(CLI::IsMember({"table", "json", "junit", "sarif", "csv", "html"}))
      ->capture_default_str();
  cmd->add_option("--output,-o", o.output, "Write the report to FILE instead of standard output");
  cmd->add_option("--color", o.color, "Colour the table: auto (on a terminal), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  cmd->add_flag("--problems-only", o.problems_only, "Table lists only failures, errors and manual items");
}

// Fleet analytics of the hosts a report has profiles for (none: empty).
std::vector<fa::HtmlSection> fleet_sections_of(const fa::ScanReport& report, const fa::ContentSet* content) {
  std::vector<fa::HostProfile> profiles;
  for (const auto& h : report.hosts)
    if (h.profile) profiles.push_back(*h.profile);
  if (profiles.empty()) return {};
  fa::FleetAnalysis analysis = fa::analyze_fleet(std::move(profiles));
  std::vector<fa::CheckResult> rules;
  if (content) rules = fa::evaluate_fleet_rules(analysis, content->select_all());
  return fa::fleet_html_sections(analysis, rules);
}

void print_report(const fa::ScanReport& report, const OutputOptions& o, const fa::ContentSet* content = nullptr) {
  std::string text;
  if (o.format == "json") {
    text = fa::format_json(report);
  } else if (o.format == "junit") {
    text = fa::format_junit(report);
  } else if (o.format == "sarif") {
    text = fa::format_sarif(report);
  } else if (o.format == "csv") {
    text = fa::format_csv(report);
  } else if (o.format == "html") {
    fa::HtmlOptions h;
    h.extra_sections = fleet_sections_of(report, content);
    text = fa::format_html(report, h);
  } else {
    fa::TableOptions t;
    bool to_terminal = o.output.empty() || o.output == "-";
    t.color = o.color == "always" || (o.color == "auto" && to_terminal && stdout_is_color_terminal());
    t.show_passed = !o.problems_only;
    t.width = output_width(to_terminal);
    text = fa::format_table(report, t);
  }
  write_output(text, o.output);
  if (!o.output.empty() && o.output != "-") {
    std::cerr << "report written to " << o.output << " (score " << static_cast<int>(report.summary.score + 0.5) << "%, "
              << report.summary.fail << " failing)\n";
  }
}

// --- scan ------------------------------------------------------------------

struct ScanArgs {
  std::string inventory;
  unsigned parallel = 16;
  std::string limit;
  std::string known_hosts;
  bool accept_new_host_keys = false;
  bool sudo = false;
  double connect_timeout = 10;
  double host_timeout = 120;
  std::string agent_path = "/usr/local/bin/fleetaudit";
  bool agent_path_explicit = false;  // given on the command line: wins over fleetaudit_agent
  std::uint64_t max_host_bytes = 256ull << 20;
  std::string ssh_config = "~/.ssh/config";
  std::string policy;
  std::string waivers;
  std::vector<std::string> roles;
  bool details = false;
  std::string root;
  std::vector<std::string> manifests;
  std::string profile = kDefaultProfile;
  bool profile_explicit = false;  // --profile given: manifests scans default to the Pod Security Standards
  int level = 0;
  std::string db;
  bool no_db = false;
  std::string fail_on = "low";
  std::string content;
  std::string name;
  int uptime_days = 30;
  bool no_fleet_facts = false;
  std::string cache_dir;
  OutputOptions out;
};

// $XDG_CACHE_HOME/fleetaudit, else ~/.cache/fleetaudit: what may be thrown away
// (the parsed apt lists, keyed by their size and time).
std::filesystem::path default_cache_dir() {
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::filesystem::path(x) / "fleetaudit";
  const char* home = std::getenv("HOME");
  if (!home || !*home) return {};
  return std::filesystem::path(home) / ".cache" / "fleetaudit";
}

// Progress on standard error: a bar on a terminal, a line per host otherwise.
class Progress {
 public:
  explicit Progress(std::size_t total) : total_(total), tty_(::isatty(STDERR_FILENO) == 1 && !std::getenv("NO_COLOR")) {}
  void update(const fa::ScanProgress& p) {
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    double rate = secs > 0 ? static_cast<double>(p.done) / secs : 0;
    if (!tty_) {
      std::fprintf(stderr, "fleetaudit: [%zu/%zu] %s: %s\n", p.done, p.total, p.last_host.c_str(), p.last_state.c_str());
      return;
    }
    const int width = 30;
    int filled = p.total ? static_cast<int>(width * p.done / p.total) : width;
    std::string bar(static_cast<std::size_t>(filled), '=');
    if (filled < width) bar += '>';
    bar.resize(width, ' ');
    std::fprintf(stderr, "\r\033[K[%s] %zu/%zu hosts  %zu failed  %.1f hosts/s", bar.c_str(), p.done, p.total, p.failed, rate);
    if (p.done == p.total) std::fputs("\n", stderr);
  }
  bool tty() const { return tty_; }

 private:
  std::size_t total_;
  bool tty_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

int run_scan_command(const ScanArgs& a) {
  auto threshold = parse_threshold(a.fail_on);
  if (!a.inventory.empty() && !a.root.empty()) throw CliError{"--inventory and --root exclude each other"};
  if (!a.manifests.empty() && (!a.inventory.empty() || !a.root.empty()))
    throw CliError{"--manifests excludes --inventory and --root"};
  if (!a.manifests.empty() && !a.roles.empty()) throw CliError{"--role names a host's roles; manifests are no host"};
  for (const auto& m : a.manifests) {
    std::error_code ec;
    if (m != "-" && !std::filesystem::exists(m, ec)) throw CliError{"--manifests " + m + ": no such file or directory"};
  }
  if (std::count(a.manifests.begin(), a.manifests.end(), "-") > 1) throw CliError{"--manifests: '-' (standard input) given twice"};
  fa::ContentSet content = load_content(a.content);
  fa::ScanRequest req;
  if (!a.manifests.empty()) {
    fa::Target t;
    t.kind = fa::Target::Kind::manifests;
    t.name = a.name;
    for (const auto& m : a.manifests) t.manifests.emplace_back(m);
    req.targets.push_back(std::move(t));
  } else if (!a.inventory.empty()) {
    fa::InventoryOptions io;
    io.ssh_config = a.ssh_config;
    auto inv = fa::load_inventory(a.inventory, io);
    if (!inv.ok()) throw CliError{inv.problems()};
    auto hosts = inv.inventory.select(a.limit);
    if (hosts.empty())
      throw CliError{a.limit.empty() ? a.inventory + ": no hosts" : "--limit '" + a.limit + "' matches no host of " + a.inventory};
    req.targets = fa::ssh_targets(hosts);
    req.parallel = std::max(1u, a.parallel);
    req.keep_snapshots = false;  // stored as each host completes; memory stays flat
    req.ssh.known_hosts = a.known_hosts;
    req.ssh.accept_new_host_keys = a.accept_new_host_keys;
    req.ssh.sudo = a.sudo;
    req.ssh.connect_timeout = a.connect_timeout;
    req.ssh.host_timeout = a.host_timeout;
    req.ssh.agent_path = a.agent_path;
    req.ssh.agent_path_explicit = a.agent_path_explicit;
    req.ssh.max_host_bytes = a.max_host_bytes;
  } else {
    fa::Target t;
    if (!a.root.empty()) {
      std::error_code ec;
      if (!std::filesystem::is_directory(a.root, ec)) throw CliError{"--root " + a.root + ": not a directory"};
      t.kind = fa::Target::Kind::root_dir;
      t.root = a.root;
    }
    t.name = a.name;
    t.tags = a.roles;
    req.targets.push_back(std::move(t));
  }
  std::string profile = !a.manifests.empty() && !a.profile_explicit ? std::string(kDefaultManifestsProfile) : a.profile;
  req.profile = profile == "all" ? std::string() : profile;
  req.level = a.level;
  if (!a.policy.empty()) req.policy = load_policy_file(a.policy);
  if (!a.waivers.empty()) req.waivers = load_waivers_file(a.waivers, content);
  if (!a.no_db) req.store = a.db.empty() ? fa::default_store_path() : std::filesystem::path(a.db);
  req.fleet_facts = !a.no_fleet_facts;
  req.risk.uptime_days = a.uptime_days;
  if (a.cache_dir != "none") req.collect.cache_dir = a.cache_dir.empty() ? default_cache_dir() : std::filesystem::path(a.cache_dir);
  // Every format but the fleet table lists each host's results.
  if (!a.inventory.empty()) req.keep_results = a.out.format != "table" || a.details || !req.store;
  std::optional<Progress> progress;
  if (req.targets.size() > 1) {
    progress.emplace(req.targets.size());
    req.on_progress = [&](const fa::ScanProgress& p) { progress->update(p); };
  }
  auto report = fa::run_scan(content, req);
  if (!report) throw CliError{report.error().message};
  if (!a.inventory.empty() && a.out.format == "table") {
    fa::TableOptions t;
    bool to_terminal = a.out.output.empty() || a.out.output == "-";
    t.color = a.out.color == "always" || (a.out.color == "auto" && to_terminal && stdout_is_color_terminal());
    t.width = output_width(to_terminal);
    t.show_passed = !a.out.problems_only;
    std::string text = a.details ? fa::format_table(*report, t) + "\n" : std::string();
    write_output(text + fa::format_fleet_table(*report, t), a.out.output);
  } else {
    print_report(*report, a.out, &content);
  }
  // A host that could not be scanned is a finding too: never exit 0 over it.
  std::size_t collected = 0, not_ok = 0;
  for (const auto& h : report->hosts) {
    collected += !h.results.empty();
    not_ok += h.state != "ok";
  }
  if (collected == 0 && !report->hosts.empty() && not_ok == report->hosts.size()) {
    std::cerr << "fleetaudit: no host could be collected\n";
    return kExitError;
  }
  int code = exit_code_for(*report, threshold);
  return not_ok > 0 ? kExitFindings : code;
}

// --- collect / evaluate -------------------------------------------------------

struct CollectArgs {
  std::string root;
  std::string profile = kDefaultProfile;
  int level = 0;
  std::string out;
  std::string content;
  std::string name;
  std::string plan;       // a plan (JSON file or '-') instead of a profile: what the SSH collector sends an agent
  std::string plan_json;  // the same, inline
  std::uint64_t max_file_bytes = 32ull << 20;
  std::string encoding = "json";
};

std::string read_all_stdin() {
  std::ostringstream ss;
  ss << std::cin.rdbuf();
  return ss.str();
}

int run_collect_command(const CollectArgs& a) {
  fa::Plan plan;
  if (!a.plan.empty() || !a.plan_json.empty()) {
    std::string text = !a.plan_json.empty() ? a.plan_json : a.plan == "-" ? read_all_stdin() : read_text_file(a.plan);
    auto p = fa::plan_from_json(text);
    if (!p) throw CliError{(!a.plan_json.empty() ? std::string("--plan-json") : a.plan == "-" ? std::string("plan on standard input") : a.plan) + ": " + p.error().message};
    plan = std::move(*p);
  } else {
    fa::ContentSet content = load_content(a.content);
    fa::Selection sel;
    if (a.profile == "all") {
      sel = content.select_all();
    } else {
      auto s = content.select(a.profile, a.level);
      if (!s) throw CliError{s.error().message};
      sel = std::move(*s);
    }
    plan = sel.plan();
  }
  fa::CollectOptions opt;
  opt.root = a.root.empty() ? std::filesystem::path("/") : std::filesystem::path(a.root);
  opt.host_name = a.name;
  opt.max_file_bytes = a.max_file_bytes;
  fa::Snapshot snap = fa::collect(plan, opt);
  write_output(a.encoding == "binary" ? fa::to_binary(snap) : fa::to_json(snap), a.out);
  if (a.out != "-")
    std::cerr << "collected " << snap.files.size() << " paths from " << snap.host << " into " << a.out << "\n";
  for (const auto& e : snap.errors) std::cerr << "warning: " << snap.host << ": " << e << "\n";
  return kExitOk;
}

struct EvaluateArgs {
  std::string snapshot;
  std::string policy;
  std::string waivers;
  std::string profile = kDefaultProfile;
  int level = 0;
  std::string fail_on = "low";
  std::string content;
  std::string db;
  OutputOptions out;
};

int run_evaluate_command(const EvaluateArgs& a) {
  auto threshold = parse_threshold(a.fail_on);
  fa::ContentSet content = load_content(a.content);
  std::string data = read_text_file(a.snapshot);
  auto snap = data.starts_with("FASNAP1\n") ? fa::snapshot_from_binary(data) : fa::snapshot_from_json(data);
  if (!snap) throw CliError{a.snapshot + ": " + snap.error().message};
  fa::ScanRequest req;
  fa::Target t;
  t.kind = fa::Target::Kind::snapshot;
  t.name = snap->host;
  t.snapshot = std::move(*snap);
  req.targets.push_back(std::move(t));
  req.profile = a.profile == "all" ? std::string() : a.profile;
  req.level = a.level;
  if (!a.policy.empty()) req.policy = load_policy_file(a.policy);
  if (!a.waivers.empty()) req.waivers = load_waivers_file(a.waivers, content);
  if (!a.db.empty()) req.store = a.db;
  auto report = fa::run_scan(content, req);
  if (!report) throw CliError{report.error().message};
  print_report(*report, a.out, &content);
  return exit_code_for(*report, threshold);
}

// --- checks -------------------------------------------------------------------

std::string pad(std::string s, std::size_t w) {
  if (s.size() < w) s.append(w - s.size(), ' ');
  return s;
}

std::string fa_to_lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string fa_join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? sep : std::string()) + v[i];
  return out;
}

std::filesystem::path content_base(const std::string& dir) {
  if (!dir.empty()) return dir;
  auto found = fa::find_content_dir();
  if (!found) throw CliError{found.error().message};
  return *found;
}

// `checks coverage`: per top-level section, what the profile answers with a
// check, what the benchmark leaves to a person, and what is not automated
// yet; against the benchmark's reference list when one is shipped
// (benchmarks-cis/reference/<profile>.tsv, first column the section id).
int run_checks_coverage(const std::string& content_dir, const std::vector<std::string>& ids, const std::string& reference_arg,
                        const std::string& format) {
  fa::ContentSet content = load_content(content_dir);
  std::vector<const fa::Profile*> profiles;
  if (ids.empty()) {
    for (const auto& p : content.profiles()) profiles.push_back(&p);
  } else {
    for (const auto& id : ids) {
      const fa::Profile* p = content.find_profile(id);
      if (!p) throw CliError{"no profile '" + id + "'"};
      profiles.push_back(p);
    }
  }
  struct {
    std::vector<std::string> items;
  } all;
  std::ostringstream out;
  for (const fa::Profile* p : profiles) {
    struct Row {
      int entries = 0, checks = 0, manual = 0, not_yet = 0;
    };
    std::map<std::string, Row, decltype([](const std::string& a, const std::string& b) {
      return a.size() != b.size() ? a.size() < b.size() : a < b;
    })> rows;
    Row total;
    std::set<std::string> sections, with_check;
    // Sections group by their first number; a profile whose entries all share
    // it (NIST SP 800-190: 4.x.y) groups by the first two.
    std::set<std::string> tops;
    for (const auto& e : p->entries) tops.insert(e.section.substr(0, e.section.find('.')));
    auto group_of = [&](const std::string& s) {
      std::size_t dot = s.find('.');
      if (tops.size() == 1 && dot != std::string::npos) dot = s.find('.', dot + 1);
      return s.substr(0, dot);
    };
    for (const auto& e : p->entries) {
      std::string top = group_of(e.section);
      Row& r = rows[top];
      bool not_yet = !e.manual.empty() && e.manual.starts_with("Not automated yet");
      for (Row* x : {&r, &total}) {
        ++x->entries;
        if (!e.check_id.empty()) ++x->checks;
        else if (not_yet) ++x->not_yet;
        else ++x->manual;
      }
      sections.insert(e.section);
      if (!e.check_id.empty()) with_check.insert(e.section);
    }
    // The reference list: ids, and which of them the benchmark calls automated.
    std::filesystem::path ref = reference_arg.empty() ? content_base(content_dir) / "benchmarks-cis" / "reference" / p->reference
                                                      : std::filesystem::path(reference_arg);
    int ref_rows = 0, ref_automated = 0, ref_present = 0, ref_auto_checked = 0;
    std::vector<std::string> missing;
    bool have_ref = false;
    std::error_code ec;
    if (std::filesystem::is_regular_file(ref, ec)) {
      have_ref = true;
      std::istringstream in(read_text_file(ref.string()));
      bool header = true;
      for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') continue;
        if (header) {
          header = false;
          continue;
        }
        std::string id = line.substr(0, line.find('\t'));
        std::string lower = fa_to_lower(line);
        // "manual" as a column of its own or opening one ("manual (needs ...)"), or "[manual]" in the topic.
        bool manual = lower.find("[manual]") != std::string::npos;
        for (std::size_t at = lower.find("\tmanual"); at != std::string::npos && !manual; at = lower.find("\tmanual", at + 1)) {
          char next = at + 7 < lower.size() ? lower[at + 7] : '\t';
          manual = next == '\t' || next == ' ' || next == '(';
        }
        ++ref_rows;
        if (!manual) ++ref_automated;
        if (sections.count(id)) ++ref_present;
        else missing.push_back(id);
        if (!manual && with_check.count(id)) ++ref_auto_checked;
      }
    }
    if (format == "json") {
      std::ostringstream j;
      j << "{\"profile\":\"" << p->id << "\",\"entries\":" << total.entries << ",\"checks\":" << total.checks
        << ",\"manual\":" << total.manual << ",\"not_automated_yet\":" << total.not_yet;
      if (have_ref)
        j << ",\"reference\":{\"rows\":" << ref_rows << ",\"automated\":" << ref_automated << ",\"accounted\":" << ref_present
          << ",\"automated_with_check\":" << ref_auto_checked << "}";
      j << ",\"sections\":{";
      bool first = true;
      for (const auto& [sec, r] : rows) {
        j << (first ? "" : ",") << "\"" << sec << "\":{\"entries\":" << r.entries << ",\"checks\":" << r.checks
          << ",\"manual\":" << r.manual << ",\"not_automated_yet\":" << r.not_yet << "}";
        first = false;
      }
      j << "}}";
      all.items.push_back(j.str());
      continue;
    }
    out << "Profile " << p->id << " (" << p->title << " " << p->version << "): " << total.entries << " entries\n";
    char buf[160];
    std::snprintf(buf, sizeof buf, "  %-8s %8s %8s %8s %8s\n", "SECTION", "ENTRIES", "CHECKS", "MANUAL", "NOT-YET");
    out << buf;
    for (const auto& [sec, r] : rows) {
      std::snprintf(buf, sizeof buf, "  %-8s %8d %8d %8d %8d\n", sec.c_str(), r.entries, r.checks, r.manual, r.not_yet);
      out << buf;
    }
    std::snprintf(buf, sizeof buf, "  %-8s %8d %8d %8d %8d\n", "total", total.entries, total.checks, total.manual, total.not_yet);
    out << buf;
    out << "  MANUAL: the benchmark leaves it to a person; NOT-YET: automatable, not automated yet\n";
    if (have_ref) {
      std::snprintf(buf, sizeof buf, "%.1f", ref_automated ? 100.0 * ref_auto_checked / ref_automated : 0.0);
      out << "  reference " << ref.filename().string() << ": " << ref_rows << " recommendations (" << ref_automated
          << " automated); " << ref_present << " accounted for in the profile; automated ones answered by a check: "
          << ref_auto_checked << "/" << ref_automated << " (" << buf << "%)\n";
      if (!missing.empty()) out << "  not in the profile: " << fa_join(missing, ", ") << "\n";
    }
    out << "\n";
  }
  if (format == "json") std::cout << "[" << fa_join(all.items, ",") << "]\n";
  else std::cout << out.str();
  return kExitOk;
}

int run_checks_list(const std::string& content_dir, const std::string& profile, const std::string& format) {
  fa::ContentSet content = load_content(content_dir);
  struct Row {
    std::string section, id, severity, area, title;
  };
  std::vector<Row> rows;
  if (!profile.empty()) {
    auto sel = content.select(profile, 0);
    if (!sel) throw CliError{sel.error().message};
    for (const auto& item : sel->items) {
      if (item.check)
        rows.push_back({item.entry->section, item.check->id, std::string(fa::to_string(item.check->severity)), item.check->area,
                        item.check->title});
      else
        rows.push_back({item.entry->section, "(manual)", "-", "-", item.entry->title});
    }
  } else {
    for (const auto& c : content.checks())
      rows.push_back({"", c.id, std::string(fa::to_string(c.severity)), c.area, c.title});
  }
  if (format == "json") {
    std::cout << "[";
    for (std::size_t i = 0; i < rows.size(); ++i) {
      auto q = [](const std::string& s) {
        std::string o = "\"";
        for (char c : s) {
          if (c == '"' || c == '\\') o += '\\';
          o += c;
        }
        return o + "\"";
      };
      std::cout << (i ? ",\n " : "\n ") << "{\"section\":" << q(rows[i].section) << ",\"id\":" << q(rows[i].id)
                << ",\"severity\":" << q(rows[i].severity) << ",\"area\":" << q(rows[i].area) << ",\"title\":" << q(rows[i].title)
                << "}";
    }
    std::cout << "\n]\n";
    return kExitOk;
  }
  std::size_t ws = 7, wi = 2, wa = 4;
  for (const auto& r : rows) {
    ws = std::max(ws, r.section.size());
    wi = std::max(wi, r.id.size());
    wa = std::max(wa, r.area.size());
  }
  if (!profile.empty()) std::cout << pad("SECTION", ws) << "  ";
  std::cout << pad("ID", wi) << "  " << pad("SEVERITY", 8) << "  " << pad("AREA", wa) << "  TITLE\n";
  for (const auto& r : rows) {
    if (!profile.empty()) std::cout << pad(r.section, ws) << "  ";
    std::cout << pad(r.id, wi) << "  " << pad(r.severity, 8) << "  " << pad(r.area, wa) << "  " << r.title << "\n";
  }
  if (profile.empty()) {
    std::cout << rows.size() << " checks\n";
  } else {
    std::set<std::string> sections;
    for (const auto& r : rows) sections.insert(r.section);
    // An entry answered by several checks (the Docker and the podman reading) takes a row each.
    std::cout << sections.size() << " entries";
    if (rows.size() != sections.size()) std::cout << " (" << rows.size() << " rows)";
    std::cout << "\n";
  }
  return kExitOk;
}

int run_checks_show(const std::string& content_dir, const std::string& id) {
  fa::ContentSet content = load_content(content_dir);
  const fa::Check* c = content.find_check(id);
  if (!c) throw CliError{"no check with id '" + id + "' (see 'fleetaudit checks list')"};
  std::cout << c->id << "\n  " << c->title << "\n\n";
  std::cout << "severity:    " << fa::to_string(c->severity) << "\n";
  std::cout << "area:        " << c->area << "\n";
  std::cout << "defined at:  " << c->defined_at.file << ":" << c->defined_at.line << "\n";
  for (const auto& p : content.profiles()) {
    for (const auto& e : p.entries) {
      bool also = std::find(e.also.begin(), e.also.end(), c->id) != e.also.end();
      if (e.check_id == c->id || also) std::cout << "profile:     " << p.id << " " << e.section << " (level " << e.level << ")\n";
    }
  }
  for (const auto& [bench, secs] : c->refs.cis) {
    std::cout << "cis:         " << bench << " ";
    for (std::size_t i = 0; i < secs.size(); ++i) std::cout << (i ? ", " : "") << secs[i];
    std::cout << "\n";
  }
  if (!c->refs.nist_800_190.empty()) {
    std::cout << "nist 800-190: ";
    for (std::size_t i = 0; i < c->refs.nist_800_190.size(); ++i) std::cout << (i ? ", " : "") << c->refs.nist_800_190[i];
    std::cout << "\n";
  }
  std::cout << "\nrule:\n";
  std::istringstream rule(c->describe_rule());
  for (std::string line; std::getline(rule, line);) std::cout << "  " << line << "\n";
  std::cout << "\nrationale:\n  " << c->rationale << "\n\nremediation:\n  " << c->remediation << "\n";
  return kExitOk;
}

int run_checks_validate(const std::string& content_dir, const std::vector<std::string>& files) {
  fa::ContentSet::LoadResult loaded;
  std::string what;
  if (!files.empty()) {
    std::vector<std::filesystem::path> paths(files.begin(), files.end());
    loaded = fa::ContentSet::load_files(paths);
    what = std::to_string(files.size()) + " file(s)";
  } else {
    std::filesystem::path base = content_dir;
    if (base.empty()) {
      auto found = fa::find_content_dir();
      if (!found) throw CliError{found.error().message};
      base = *found;
    }
    loaded = fa::ContentSet::load(base);
    what = base.string();
  }
  for (const auto& d : loaded.diagnostics) std::cerr << d.str() << "\n";
  std::size_t entries = 0, manual = 0;
  for (const auto& p : loaded.content.profiles()) {
    entries += p.entries.size();
    for (const auto& e : p.entries) manual += !e.manual.empty();
  }
  if (!loaded.ok()) {
    std::cerr << what << ": " << loaded.diagnostics.size() << " problem(s)\n";
    return kExitError;
  }
  std::cout << what << ": " << loaded.content.checks().size() << " checks, " << loaded.content.profiles().size()
            << " profile(s) with " << entries << " entries (" << manual << " manual): ok\n";
  return kExitOk;
}

// --- history ------------------------------------------------------------------

fa::Store open_store_read_only(const std::string& db) {
  std::filesystem::path path = db.empty() ? fa::default_store_path() : std::filesystem::path(db);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw CliError{path.string() + ": no store here yet (run 'fleetaudit scan' first)"};
  auto store = fa::Store::open(path, fa::Store::Mode::read_only);
  if (!store) throw CliError{store.error().message};
  return std::move(*store);
}

std::string signed_points(double delta) {
  if (std::abs(delta) < 0.05) return "=";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.1f", delta);
  return buf;
}

// A host's trend: its score, failures and risk in each scan that had it.
int run_host_history(const fa::Store& store, const std::string& host, int limit, const std::string& format) {
  auto points = store.host_history(host, limit);
  if (!points) throw CliError{points.error().message};
  if (points->empty()) throw CliError{"no scan in the store has a host named '" + host + "'"};
  if (format == "json") {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& p : *points) {
      nlohmann::json o{{"scan", p.scan_id}, {"started_at", p.started_at}, {"state", p.state}, {"score", p.score}, {"fail", p.fail}};
      if (p.risk) o["risk"] = *p.risk;
      j.push_back(std::move(o));
    }
    std::cout << j.dump(1) << "\n";
    return kExitOk;
  }
  std::printf("%s: %zu scan(s), newest first\n", host.c_str(), points->size());
  std::printf("%-6s  %-20s  %-16s  %6s  %6s  %5s  %4s\n", "SCAN", "STARTED", "STATE", "SCORE", "CHANGE", "FAIL", "RISK");
  for (std::size_t i = 0; i < points->size(); ++i) {
    const auto& p = (*points)[i];
    std::string change = i + 1 < points->size() ? signed_points(p.score - (*points)[i + 1].score) : "";
    std::printf("%-6lld  %-20s  %-16s  %5.1f%%  %6s  %5d  %4s\n", static_cast<long long>(p.scan_id), p.started_at.c_str(),
                p.state.c_str(), p.score, change.c_str(), p.fail, p.risk ? std::to_string(*p.risk).c_str() : "-");
  }
  return kExitOk;
}

int run_history(const std::string& db, int limit, const std::string& format, const std::string& host) {
  fa::Store store = open_store_read_only(db);
  if (!host.empty()) return run_host_history(store, host, limit, format);
  // One more row than shown, so the oldest shown has a change too.
  auto rows = store.history(limit + 1);
  if (!rows) throw CliError{rows.error().message};
  auto change_of = [&](std::size_t i) -> std::optional<double> {
    // Against the next older scan with the same profile: another profile's score is not comparable.
    for (std::size_t k = i + 1; k < rows->size(); ++k)
      if ((*rows)[k].info.profile == (*rows)[i].info.profile) return (*rows)[i].summary.score - (*rows)[k].summary.score;
    return std::nullopt;
  };
  std::size_t shown = std::min(rows->size(), static_cast<std::size_t>(std::max(limit, 0)));
  if (format == "json") {
    std::cout << "[";
    for (std::size_t i = 0; i < shown; ++i) {
      const auto& r = (*rows)[i];
      char buf[640];
      auto ch = change_of(i);
      std::snprintf(buf, sizeof buf,
                    "%s\n {\"id\":%lld,\"started_at\":\"%s\",\"profile\":\"%s\",\"status\":\"%s\",\"hosts\":%d,"
                    "\"hosts_failed\":%d,\"pass\":%d,\"fail\":%d,\"error\":%d,\"waived\":%d,\"score\":%.2f,\"change\":%s,"
                    "\"duration_seconds\":%.3f}",
                    i ? "," : "", static_cast<long long>(r.info.id), r.info.started_at.c_str(), r.info.profile.c_str(),
                    r.status.c_str(), r.hosts, r.hosts_failed, r.summary.pass, r.summary.fail, r.summary.error, r.summary.waived,
                    r.summary.score, ch ? std::to_string(*ch).c_str() : "null", r.info.duration_seconds);
      std::cout << buf;
    }
    std::cout << "\n]\n";
    return kExitOk;
  }
  std::printf("%-6s  %-20s  %-16s  %-10s  %5s  %6s  %5s  %5s  %5s  %6s  %6s  %9s\n", "SCAN", "STARTED", "PROFILE", "STATUS", "HOSTS",
              "FAILED", "PASS", "FAIL", "ERROR", "SCORE", "CHANGE", "DURATION");
  for (std::size_t i = 0; i < shown; ++i) {
    const auto& r = (*rows)[i];
    auto ch = change_of(i);
    std::printf("%-6lld  %-20s  %-16s  %-10s  %5d  %6d  %5d  %5d  %5d  %5.1f%%  %6s  %8.3fs\n", static_cast<long long>(r.info.id),
                r.info.started_at.c_str(), r.info.profile.empty() ? "(all checks)" : r.info.profile.c_str(), r.status.c_str(),
                r.hosts, r.hosts_failed, r.summary.pass, r.summary.fail, r.summary.error, r.summary.score,
                ch ? signed_points(*ch).c_str() : "", r.info.duration_seconds);
  }
  if (rows->empty()) std::printf("(no scans in the store)\n");
  return kExitOk;
}

// --- report -------------------------------------------------------------------

std::int64_t resolve_scan(const fa::Store& store, std::int64_t id, const char* what) {
  if (id > 0) {
    auto r = store.scan(id);
    if (!r) throw CliError{r.error().message};
    return id;
  }
  auto latest = store.latest_scan();
  if (!latest) throw CliError{latest.error().message};
  if (!latest->has_value()) throw CliError{std::string(what) + ": the store has no scans yet (run 'fleetaudit scan' first)"};
  return (*latest)->info.id;
}

struct ReportArgs {
  std::string db;
  std::int64_t scan = 0;  // 0: the latest
  std::vector<std::string> hosts;
  bool details = false;
  std::string content;
  std::string fail_on = "low";
  OutputOptions out;
};

// A stored scan rendered again, in any format: results joined with today's
// content for rationale, remediation and references (a check since removed
// from the content keeps its stored title and evidence).
int run_report_command(const ReportArgs& a) {
  auto threshold = parse_threshold(a.fail_on);
  fa::Store store = open_store_read_only(a.db);
  std::int64_t id = resolve_scan(store, a.scan, "report");
  fa::ScanReport report;
  if (a.hosts.empty()) {
    auto loaded = store.load(id);
    if (!loaded) throw CliError{loaded.error().message};
    report = std::move(*loaded);
  } else {
    auto rec = store.scan(id);
    if (!rec) throw CliError{rec.error().message};
    report.scan = rec->info;
    for (const auto& name : a.hosts) {
      auto h = store.load_host(id, name);
      if (!h) throw CliError{h.error().message};
      report.hosts.push_back(std::move(*h));
    }
    std::vector<fa::CheckResult> all;
    for (const auto& h : report.hosts) all.insert(all.end(), h.results.begin(), h.results.end());
    report.summary = fa::summarize(all);
  }
  fa::ContentSet content = load_content(a.content);
  for (auto& h : report.hosts)
    for (auto& r : h.results) r.check = content.find_check(r.check_id);
  if (report.hosts.size() > 1 && a.out.format == "table") {
    fa::TableOptions t;
    bool to_terminal = a.out.output.empty() || a.out.output == "-";
    t.color = a.out.color == "always" || (a.out.color == "auto" && to_terminal && stdout_is_color_terminal());
    t.width = output_width(to_terminal);
    t.show_passed = !a.out.problems_only;
    std::string text = a.details ? fa::format_table(report, t) + "\n" : std::string();
    write_output(text + fa::format_fleet_table(report, t), a.out.output);
  } else {
    print_report(report, a.out, &content);
  }
  return exit_code_for(report, threshold);
}

// --- fleet ----------------------------------------------------------------------

struct FleetArgs {
  std::string db;
  std::int64_t scan = 0;  // 0: the latest
  std::string content;
  std::string fail_on = "none";
  OutputOptions out;
};


// Uniformity, patch level and uptime risk of a stored scan.
int run_fleet_command(const FleetArgs& a) {
  auto threshold = parse_threshold(a.fail_on);
  fa::Store store = open_store_read_only(a.db);
  std::int64_t id = resolve_scan(store, a.scan, "fleet");
  auto profiles = store.profiles(id);
  if (!profiles) throw CliError{profiles.error().message};
  if (profiles->empty())
    throw CliError{"scan " + std::to_string(id) + " has no host facts for fleet analytics (scanned without them, or every host failed)"};
  fa::ContentSet content = load_content(a.content);
  fa::FleetAnalysis analysis = fa::analyze_fleet(std::move(*profiles));
  std::vector<fa::CheckResult> rules = fa::evaluate_fleet_rules(analysis, content.select_all());
  std::string text;
  if (a.out.format == "json") {
    text = fa::format_fleet_analysis_json(analysis, rules);
  } else if (a.out.format == "html") {
    auto rec = store.scan(id);
    if (!rec) throw CliError{rec.error().message};
    fa::HtmlPage page;
    page.title = "fleetaudit fleet analytics, scan " + std::to_string(id) + " (" + rec->info.started_at + ")";
    text = fa::html_document(page, fa::fleet_html_sections(analysis, rules));
  } else {
    fa::TableOptions t;
    bool to_terminal = a.out.output.empty() || a.out.output == "-";
    t.color = a.out.color == "always" || (a.out.color == "auto" && to_terminal && stdout_is_color_terminal());
    t.width = output_width(to_terminal);
    text = fa::format_fleet_analysis(analysis, rules, t);
  }
  write_output(text, a.out.output);
  if (threshold)
    for (const auto& r : rules)
      if (r.result == fa::ResultKind::fail && r.severity >= *threshold) return kExitFindings;
  return kExitOk;
}

// --- diff -------------------------------------------------------------------------

struct DiffArgs {
  std::string db;
  std::vector<std::int64_t> scans;  // none: the two newest; one: it against the newest
  bool all_hosts = false;
  std::string format = "table";
  std::string output;
  std::string color = "auto";
};

int run_diff_command(const DiffArgs& a) {
  fa::Store store = open_store_read_only(a.db);
  std::int64_t before = 0, after = 0;
  if (a.scans.size() == 2) {
    before = resolve_scan(store, a.scans[0], "diff");
    after = resolve_scan(store, a.scans[1], "diff");
  } else {
    auto rows = store.history(2);
    if (!rows) throw CliError{rows.error().message};
    if (a.scans.size() == 1) {
      before = resolve_scan(store, a.scans[0], "diff");
      if (rows->empty()) throw CliError{"diff: the store has no scans"};
      after = (*rows)[0].info.id;
    } else {
      if (rows->size() < 2) throw CliError{"diff: the store has fewer than two scans; name them: fleetaudit diff SCAN_A SCAN_B"};
      before = (*rows)[1].info.id;
      after = (*rows)[0].info.id;
    }
  }
  auto diff = fa::diff_stored_scans(store, before, after, a.all_hosts);
  if (!diff) throw CliError{diff.error().message};
  bool to_terminal = a.output.empty() || a.output == "-";
  bool color = a.color == "always" || (a.color == "auto" && to_terminal && stdout_is_color_terminal());
  write_output(a.format == "json" ? fa::format_diff_json(*diff) : fa::format_diff_table(*diff, color), a.output);
  return diff->new_failures > 0 ? kExitFindings : kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  // Workers allocate in parallel; a few malloc arenas keep freed memory
  // shared instead of one arena per thread holding on to it.
  if (!std::getenv("MALLOC_ARENA_MAX")) mallopt(M_ARENA_MAX, 4);
  CLI::App app{"fleetaudit: audit Linux hosts against CIS benchmarks and NIST SP 800-190, with evidence"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("fleetaudit ") + fa::version());
  std::string default_db = fa::default_store_path().string();

  ScanArgs scan;
  auto* scan_cmd = app.add_subcommand("scan", "Scan this machine, a root directory or an inventory's hosts over SSH; store and report");
  scan_cmd->add_option("--inventory,-i", scan.inventory, "Scan the hosts of this inventory (fleetaudit YAML or Ansible INI/YAML) over SSH");
  scan_cmd->add_option("--parallel,-j", scan.parallel, "Hosts scanned at once")->capture_default_str();
  scan_cmd->add_option("--limit,-l", scan.limit, "Only hosts matching: names, groups, tags or globs, comma-separated; !x excludes, &x intersects");
  scan_cmd->add_option("--known-hosts", scan.known_hosts, "known_hosts file to verify host keys against (default ~/.ssh/known_hosts)");
  scan_cmd->add_flag("--accept-new-host-keys", scan.accept_new_host_keys, "Record unknown host keys instead of refusing (a changed key is always refused)");
  scan_cmd->add_flag("--sudo", scan.sudo, "Collect through 'sudo -n' (never prompts; reports hosts where it would)");
  scan_cmd->add_option("--connect-timeout", scan.connect_timeout, "Seconds to connect and authenticate")->capture_default_str();
  scan_cmd->add_option("--host-timeout", scan.host_timeout, "Seconds for a whole host")->capture_default_str();
  auto* agent_opt = scan_cmd->add_option("--agent-path", scan.agent_path, "fleetaudit on the hosts: collects in place when present ('none': never)")->capture_default_str();
  scan_cmd->add_option("--max-host-bytes", scan.max_host_bytes, "A host sending more is a collection error")->capture_default_str();
  scan_cmd->add_option("--ssh-config", scan.ssh_config, "OpenSSH client config for host aliases ('' for none)")->capture_default_str();
  scan_cmd->add_option("--waivers", scan.waivers, "Accepted failures (YAML: check, hosts, subject, reason, owner, expires)");
  scan_cmd->add_option("--policy", scan.policy, "Site policy lists (YAML) that checks refer to: allowed registries ...");
  scan_cmd->add_option("--role", scan.roles, "Role tag of this machine or root (hypervisor, container-host, k8s-node, edge ...); repeatable");
  scan_cmd->add_flag("--details", scan.details, "With an inventory: every host's results too, not only the fleet table");
  scan_cmd->add_option("--root", scan.root, "Scan the tree under DIR (a mounted image or chroot) instead of this machine");
  scan_cmd->add_option("--manifests", scan.manifests,
                       "Scan Kubernetes manifests instead of a host: files, directories (*.yaml, *.yml, *.json, recursively) "
                       "or '-' for standard input; the profile defaults to " + std::string(kDefaultManifestsProfile))
      ->expected(1, -1);
  auto* profile_opt = scan_cmd->add_option("--profile", scan.profile, "Profile id, or 'all' for every check without a profile")->capture_default_str();
  scan_cmd->add_option("--level", scan.level, "Profile level (0: every level)")->capture_default_str();
  scan_cmd->add_option("--db", scan.db, "Store file (default: " + default_db + ")");
  scan_cmd->add_flag("--no-db", scan.no_db, "Do not store the scan");
  scan_cmd->add_option("--fail-on", scan.fail_on,
                       "Exit 2 when a check of this severity or higher fails (info, low, medium, high, critical, none)")
      ->capture_default_str();
  scan_cmd->add_option("--content", scan.content, "Directory holding checks/ and benchmarks-cis/");
  scan_cmd->add_option("--name", scan.name, "Host name to report (default: the host's own)");
  scan_cmd->add_option("--uptime-days", scan.uptime_days, "Uptime risk: days of uptime after which a host scores risk points")
      ->check(CLI::Range(1, 36500))
      ->capture_default_str();
  scan_cmd->add_flag("--no-fleet-facts", scan.no_fleet_facts,
                     "Collect only what the checks need: no kernel, patch level, uptime risk or stale library facts");
  scan_cmd->add_option("--cache-dir", scan.cache_dir,
                       "Where parsed apt lists are cached between scans (default: $XDG_CACHE_HOME/fleetaudit or ~/.cache/fleetaudit; none: no cache)");
  add_output_options(scan_cmd, scan.out);

  CollectArgs col;
  auto* col_cmd = app.add_subcommand("collect", "Collect a snapshot of the facts a profile needs, without evaluating");
  col_cmd->add_option("--root", col.root, "Collect from the tree under DIR instead of this machine");
  col_cmd->add_option("--profile", col.profile, "Profile whose checks decide what to collect ('all': every check)")->capture_default_str();
  col_cmd->add_option("--level", col.level, "Profile level (0: every level)");
  col_cmd->add_option("--out", col.out, "Snapshot file to write ('-': standard output)")->required();
  col_cmd->add_option("--content", col.content, "Directory holding checks/ and benchmarks-cis/");
  col_cmd->add_option("--name", col.name, "Host name to record");
  col_cmd->add_option("--plan", col.plan, "Collect this plan (JSON, '-': standard input) instead of a profile's");
  col_cmd->add_option("--plan-json", col.plan_json, "The plan itself, inline (what the SSH collector's agent path passes)");
  col_cmd->add_option("--max-file-bytes", col.max_file_bytes, "Cut file content beyond this many bytes")->capture_default_str();
  col_cmd->add_option("--encoding", col.encoding, "Snapshot encoding: json, or binary (compact; what the agent path uses)")
      ->check(CLI::IsMember({"json", "binary"}))
      ->capture_default_str();

  EvaluateArgs ev;
  auto* ev_cmd = app.add_subcommand("evaluate", "Evaluate a saved snapshot (no access to the host needed)");
  ev_cmd->add_option("snapshot", ev.snapshot, "Snapshot file written by 'fleetaudit collect'")->required();
  ev_cmd->add_option("--profile", ev.profile, "Profile id, or 'all'")->capture_default_str();
  ev_cmd->add_option("--level", ev.level, "Profile level (0: every level)");
  ev_cmd->add_option("--fail-on", ev.fail_on, "Exit 2 when a check of this severity or higher fails")->capture_default_str();
  ev_cmd->add_option("--content", ev.content, "Directory holding checks/ and benchmarks-cis/");
  ev_cmd->add_option("--db", ev.db, "Also store the evaluation in this store");
  ev_cmd->add_option("--policy", ev.policy, "Site policy lists (YAML) that checks refer to");
  ev_cmd->add_option("--waivers", ev.waivers, "Accepted failures (YAML)");
  add_output_options(ev_cmd, ev.out);

  std::string checks_content, checks_profile, checks_format = "table", show_id;
  std::vector<std::string> validate_files;
  auto* checks_cmd = app.add_subcommand("checks", "List, show and validate check content");
  checks_cmd->require_subcommand(1);
  checks_cmd->add_option("--content", checks_content, "Directory holding checks/ and benchmarks-cis/");
  auto* list_cmd = checks_cmd->add_subcommand("list", "List checks (or a profile's entries)");
  list_cmd->add_option("--profile", checks_profile, "List this profile's entries in section order");
  list_cmd->add_option("--format", checks_format, "table or json")->check(CLI::IsMember({"table", "json"}));
  auto* show_cmd = checks_cmd->add_subcommand("show", "Show one check in full");
  show_cmd->add_option("id", show_id, "Check id")->required();
  auto* validate_cmd = checks_cmd->add_subcommand("validate", "Validate content: schema, rules, regexes, ids, profiles");
  std::vector<std::string> coverage_profiles;
  std::string coverage_reference, coverage_format = "table";
  auto* coverage_cmd = checks_cmd->add_subcommand(
      "coverage", "Per section: entries answered by a check, left to a person, not automated yet; against the reference list");
  coverage_cmd->add_option("--profile", coverage_profiles, "Profile id (repeatable; default every profile)");
  coverage_cmd->add_option("--reference", coverage_reference, "Reference list (TSV, first column the section id)");
  coverage_cmd->add_option("--format", coverage_format, "table or json")->check(CLI::IsMember({"table", "json"}));
  int plan_level = 0;
  std::string plan_profile = kDefaultProfile;
  auto* plan_cmd = checks_cmd->add_subcommand(
      "plan", "Print the collection plan (JSON) of a profile: what fleetaudit-agent collect --plan takes");
  plan_cmd->add_option("--profile", plan_profile, "Profile id, or 'all'")->capture_default_str();
  plan_cmd->add_option("--level", plan_level, "Profile level (0: every level)");
  for (auto* sub : {list_cmd, show_cmd, validate_cmd, plan_cmd, coverage_cmd}) sub->fallthrough();
  validate_cmd->add_option("files", validate_files, "Validate these files only (default: the whole content directory)");

  std::string history_db, history_format = "table", history_host;
  int history_limit = 50;
  auto* history_cmd = app.add_subcommand("history", "Past scans with their score and its change; or one host's trend (--host)");
  history_cmd->add_option("--db", history_db, "Store file (default: " + default_db + ")");
  history_cmd->add_option("--limit", history_limit, "At most this many scans")->capture_default_str();
  history_cmd->add_option("--host", history_host, "One host's score, failures and uptime risk over the scans that had it");
  history_cmd->add_option("--format", history_format, "table or json")->check(CLI::IsMember({"table", "json"}));

  ReportArgs rep;
  auto* report_cmd = app.add_subcommand("report", "A stored scan again, in any format (the latest by default)");
  report_cmd->add_option("--db", rep.db, "Store file (default: " + default_db + ")");
  report_cmd->add_option("--scan", rep.scan, "Scan id (see 'fleetaudit history'; default: the latest)");
  report_cmd->add_option("--host", rep.hosts, "Only this host (repeatable)");
  report_cmd->add_flag("--details", rep.details, "Fleet scans: every host's results before the fleet table");
  report_cmd->add_option("--content", rep.content, "Check content directory (rationale, remediation, references)");
  report_cmd->add_option("--fail-on", rep.fail_on, "Exit 2 when a failure of this severity or worse is in the report (none: never)")
      ->capture_default_str();
  add_output_options(report_cmd, rep.out);

  FleetArgs fleet;
  auto* fleet_cmd = app.add_subcommand("fleet", "Uniformity, patch level and uptime risk of a stored scan (the latest by default)");
  fleet_cmd->add_option("--db", fleet.db, "Store file (default: " + default_db + ")");
  fleet_cmd->add_option("--scan", fleet.scan, "Scan id (see 'fleetaudit history'; default: the latest)");
  fleet_cmd->add_option("--content", fleet.content, "Check content directory (for the fleet rules)");
  fleet_cmd->add_option("--fail-on", fleet.fail_on, "Exit 2 when a fleet rule of this severity or worse fails (none: never)")
      ->capture_default_str();
  fleet_cmd->add_option("--format", fleet.out.format, "table, json or html")
      ->check(CLI::IsMember({"table", "json", "html"}))
      ->capture_default_str();
  fleet_cmd->add_option("--output,-o", fleet.out.output, "Write to FILE instead of standard output");
  fleet_cmd->add_option("--color", fleet.out.color, "auto, always, never")->check(CLI::IsMember({"auto", "always", "never"}));

  DiffArgs diff;
  auto* diff_cmd = app.add_subcommand(
      "diff", "What changed between two stored scans: per host new failures, fixed checks, component versions");
  diff_cmd->add_option("scans", diff.scans, "SCAN_A SCAN_B (default: the two newest; one id: it against the newest)")
      ->expected(0, 2);
  diff_cmd->add_option("--db", diff.db, "Store file (default: " + default_db + ")");
  diff_cmd->add_flag("--all-hosts", diff.all_hosts, "List unchanged hosts too");
  diff_cmd->add_option("--format", diff.format, "table or json")->check(CLI::IsMember({"table", "json"}))->capture_default_str();
  diff_cmd->add_option("--output,-o", diff.output, "Write to FILE instead of standard output");
  diff_cmd->add_option("--color", diff.color, "auto, always, never")->check(CLI::IsMember({"auto", "always", "never"}));

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitError;
  }

  try {
    scan.agent_path_explicit = agent_opt->count() > 0;
    scan.profile_explicit = profile_opt->count() > 0;
    if (*scan_cmd) return run_scan_command(scan);
    if (*col_cmd) return run_collect_command(col);
    if (*ev_cmd) return run_evaluate_command(ev);
    if (*list_cmd) return run_checks_list(checks_content, checks_profile, checks_format);
    if (*show_cmd) return run_checks_show(checks_content, show_id);
    if (*validate_cmd) return run_checks_validate(checks_content, validate_files);
    if (*coverage_cmd) return run_checks_coverage(checks_content, coverage_profiles, coverage_reference, coverage_format);
    if (*plan_cmd) {
      fa::ContentSet content = load_content(checks_content);
      auto sel = plan_profile == "all" ? fa::Expected<fa::Selection>(content.select_all()) : content.select(plan_profile, plan_level);
      if (!sel) throw CliError{sel.error().message};
      std::cout << fa::to_json(sel->plan()) << "\n";
      return kExitOk;
    }
    if (*history_cmd) return run_history(history_db, history_limit, history_format, history_host);
    if (*fleet_cmd) return run_fleet_command(fleet);
    if (*report_cmd) return run_report_command(rep);
    if (*diff_cmd) return run_diff_command(diff);
  } catch (const CliError& e) {
    std::cerr << "fleetaudit: " << e.message << "\n";
    return kExitError;
  } catch (const std::exception& e) {
    std::cerr << "fleetaudit: internal error: " << e.what() << "\n";
    return kExitError;
  }
  return kExitError;
}
