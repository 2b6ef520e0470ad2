// Parsers are pure functions of text; each is tested against real-world syntax.

#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "parse/accounts.hpp"
#include "parse/keyvalue.hpp"
#include "parse/modprobe.hpp"
#include "parse/mounts.hpp"
#include "parse/pam.hpp"
#include "parse/sshd_config.hpp"
#include "parse/sysctl.hpp"
#include "util/strings.hpp"

using namespace fleetaudit;
using namespace fleetaudit::parse;

namespace {

// An in-memory host for parsers that follow includes.
class MapSource : public TextSource {
 public:
  std::map<std::string, std::string, std::less<>> files;
  std::map<std::string, std::vector<std::string>, std::less<>> globs;
  std::set<std::string, std::less<>> unreadable;

  FileText text(std::string_view path) const override {
    FileText ft;
    if (unreadable.count(path)) {
      ft.status = FileText::Status::unreadable;
      ft.reason = "permission denied";
      return ft;
    }
    auto it = files.find(path);
    ft.status = it == files.end() ? FileText::Status::missing : FileText::Status::ok;
    if (it != files.end()) ft.text = it->second;
    return ft;
  }
  std::vector<std::string> glob(std::string_view pattern, bool& collected) const override {
    auto it = globs.find(pattern);
    collected = it != globs.end();
    return collected ? it->second : std::vector<std::string>{};
  }
};

}  // namespace

TEST_CASE("sshd_config: first value wins, keywords are case-insensitive, '=' separates", "[parse][sshd]") {
  MapSource src;
  src.files["/etc/ssh/sshd_config"] =
      "# comment\n"
      "permitrootlogin=no\n"
      "PermitRootLogin yes\n"
      "  MaxAuthTries   4   # trailing comment\n"
      "Banner \"/etc/issue net\"\n";
  auto cfg = parse_sshd_config(src);
  REQUIRE(cfg.found);
  REQUIRE(cfg.values.at("permitrootlogin").front().value == "no");
  CHECK(cfg.values.at("permitrootlogin").front().line == 2);
  CHECK(cfg.values.at("permitrootlogin").size() == 2);
  CHECK(cfg.values.at("maxauthtries").front().value == "4");
  CHECK(cfg.values.at("banner").front().value == "/etc/issue net");
}

TEST_CASE("sshd_config: Include expands globs in order, relative to /etc/ssh, before later lines", "[parse][sshd]") {
  MapSource src;
  src.files["/etc/ssh/sshd_config"] = "Include sshd_config.d/*.conf\nPermitRootLogin yes\n";
  src.globs["/etc/ssh/sshd_config.d/*.conf"] = {"/etc/ssh/sshd_config.d/10-a.conf", "/etc/ssh/sshd_config.d/20-b.conf"};
  src.files["/etc/ssh/sshd_config.d/10-a.conf"] = "PermitRootLogin no\n";
  src.files["/etc/ssh/sshd_config.d/20-b.conf"] = "PermitRootLogin prohibit-password\nX11Forwarding no\n";
  auto cfg = parse_sshd_config(src);
  CHECK(cfg.values.at("permitrootlogin").front().value == "no");
  CHECK(cfg.values.at("permitrootlogin").front().file == "/etc/ssh/sshd_config.d/10-a.conf");
  CHECK(cfg.values.at("x11forwarding").front().value == "no");
  CHECK(cfg.files.size() == 3);
  CHECK_FALSE(cfg.incomplete);
}

TEST_CASE("sshd_config: Match blocks are conditional and end at the next Match or file end", "[parse][sshd]") {
  MapSource src;
  src.files["/etc/ssh/sshd_config"] =
      "Include /etc/ssh/extra.conf\n"
      "Match User backup\n"
      "  PasswordAuthentication yes\n"
      "Match all\n"
      "  MaxSessions 3\n";
  src.files["/etc/ssh/extra.conf"] = "Match Address 10.0.0.0/8\n  PermitRootLogin yes\n";
  auto cfg = parse_sshd_config(src);
  CHECK(cfg.values.count("passwordauthentication") == 0);
  CHECK(cfg.match_values.count("passwordauthentication") == 1);
  CHECK(cfg.values.count("permitrootlogin") == 0);  // only inside a Match of the included file
  CHECK(cfg.values.at("maxsessions").front().value == "3");
}

TEST_CASE("sshd_config: unreadable or uncollected includes make the result incomplete", "[parse][sshd]") {
  MapSource src;
  src.files["/etc/ssh/sshd_config"] = "Include /etc/ssh/secret.conf\nInclude /etc/ssh/conf.d/*\n";
  src.unreadable.insert("/etc/ssh/secret.conf");
  auto cfg = parse_sshd_config(src);
  CHECK(cfg.incomplete);
  REQUIRE(cfg.problems.size() == 2);
  CHECK(cfg.problems[0].find("sshd_config:1") != std::string::npos);
  CHECK(cfg.problems[1].find("not collected") != std::string::npos);
}

TEST_CASE("sshd_config: recursive includes stop at the depth limit", "[parse][sshd]") {
  MapSource src;
  src.files["/etc/ssh/sshd_config"] = "Include /etc/ssh/sshd_config\n";
  auto cfg = parse_sshd_config(src);
  CHECK(cfg.incomplete);
  CHECK(cfg.problems.back().find("nested too deeply") != std::string::npos);
}

TEST_CASE("sshd_config: defaults and algorithm list modifiers", "[parse][sshd]") {
  CHECK(sshd_default("permitrootlogin") == "prohibit-password");
  CHECK_FALSE(sshd_default("nosuchkeyword").has_value());
  CHECK(sshd_effective_list("ciphers", "aes256-ctr") == "aes256-ctr");
  std::string plus = sshd_effective_list("ciphers", "+aes128-cbc");
  CHECK(plus.ends_with(",aes128-cbc"));
  CHECK(plus.starts_with("chacha20-poly1305@openssh.com"));
  std::string minus = sshd_effective_list("macs", "-hmac-sha1*,umac-64*");
  CHECK(minus.find("hmac-sha1") == std::string::npos);
  CHECK(minus.find("umac-64") == std::string::npos);
  CHECK(minus.find("hmac-sha2-256") != std::string::npos);
  CHECK(sshd_effective_list("kexalgorithms", "^curve25519-sha256").starts_with("curve25519-sha256,sntrup761"));
  CHECK(sshd_include_patterns("Include a.conf /abs/*.conf\n#Include no\n") ==
        std::vector<std::string>{"/etc/ssh/a.conf", "/abs/*.conf"});
}

TEST_CASE("sysctl: drop-in precedence, name order, /etc/sysctl.conf last, last assignment wins", "[parse][sysctl]") {
  std::vector<std::string> present{"/usr/lib/sysctl.d/50-default.conf", "/etc/sysctl.d/50-default.conf",
                                   "/lib/sysctl.d/10-early.conf", "/etc/sysctl.d/99-z.conf", "/etc/sysctl.conf",
                                   "/etc/sysctl.d/README"};
  auto order = sysctl_apply_order(present);
  REQUIRE(order == std::vector<std::string>{"/lib/sysctl.d/10-early.conf", "/etc/sysctl.d/50-default.conf",
                                            "/etc/sysctl.d/99-z.conf", "/etc/sysctl.conf"});
  std::string a = "net.ipv4.ip_forward = 1\n# c\n; c\nkernel/yama/ptrace_scope=1\n";
  std::string b = "-net.ipv4.ip_forward=0\n";
  auto map = parse_sysctl({{"/a", a}, {"/b", b}});
  CHECK(map.at("net.ipv4.ip_forward").value == "0");
  CHECK(map.at("net.ipv4.ip_forward").file == "/b");
  CHECK(map.at("kernel.yama.ptrace_scope").line == 4);
  CHECK(sysctl_proc_path("net.ipv4.conf.all.rp_filter") == "/proc/sys/net/ipv4/conf/all/rp_filter");
  CHECK(normalize_sysctl_key("net/ipv4/conf/eth0.100/rp_filter") == "net.ipv4.conf.eth0/100.rp_filter");
}

TEST_CASE("modprobe: install and blacklist lines, continuations, name normalization", "[parse][modprobe]") {
  std::string f1 = "# disable\ninstall cramfs /bin/false\nblacklist cramfs\ninstall usb-storage \\\n  /bin/true\n";
  std::string f2 = "install cramfs /sbin/modprobe --ignore-install cramfs\n";
  auto cfg = parse_modprobe({{"/etc/modprobe.d/a.conf", f1}, {"/etc/modprobe.d/b.conf", f2}});
  REQUIRE(cfg.install.count("cramfs"));
  CHECK(cfg.install.at("cramfs").command == "/bin/false");  // the first install line counts
  CHECK(cfg.install.at("usb_storage").line == 4);
  CHECK(install_disables(cfg.install.at("usb_storage").command));
  CHECK_FALSE(install_disables("/sbin/modprobe --ignore-install cramfs"));
  CHECK(cfg.blacklist.count("cramfs"));
  auto loaded = parse_proc_modules("usb_storage 81920 0 - Live 0x0\next4 1 0 - Live 0x0\n");
  CHECK(loaded.count("usb_storage"));
  CHECK(modprobe_apply_order({"/lib/modprobe.d/a.conf", "/etc/modprobe.d/a.conf", "/etc/modprobe.d/b.conf"}) ==
        std::vector<std::string>{"/etc/modprobe.d/a.conf", "/etc/modprobe.d/b.conf"});
}

TEST_CASE("mounts: fstab and /proc/mounts, octal escapes, stacked mounts", "[parse][mounts]") {
  auto t = parse_mounts(
      "# fstab\nUUID=1 / ext4 errors=remount-ro 0 1\n"
      "tmpfs /tmp tmpfs defaults,nodev 0 0\n"
      "/dev/sdb1 /srv/my\\040data ext4 rw 0 2\n"
      "tmpfs /tmp tmpfs rw,nosuid,nodev,noexec 0 0\n");
  REQUIRE(t.size() == 4);
  CHECK(t[2].target == "/srv/my data");
  const MountEntry* tmp = find_mount(t, "/tmp");
  REQUIRE(tmp);
  CHECK(tmp->line == 5);
  CHECK(tmp->has_option("noexec"));
  CHECK_FALSE(find_mount(t, "/var"));
}

TEST_CASE("pam: controls in brackets, '-' types, @include, continuations", "[parse][pam]") {
  MapSource src;
  src.files["/etc/pam.d/login"] = "auth [success=1 default=ignore] pam_unix.so nullok\n@include common-auth\n";
  src.files["/etc/pam.d/common-auth"] =
      "-auth required /usr/lib/x86_64-linux-gnu/security/pam_faillock.so preauth \\\n  deny=4 unlock_time=900\n"
      "password requisite pam_pwquality.so retry=3 minlen=14\n";
  auto stack = parse_pam(src, "/etc/pam.d/login");
  REQUIRE(stack.lines.size() == 3);
  CHECK(stack.lines[0].control == "[success=1 default=ignore]");
  CHECK(stack.lines[0].find_arg("nullok"));
  CHECK(stack.lines[1].type == "auth");
  CHECK(stack.lines[1].module_name() == "pam_faillock.so");
  CHECK(stack.lines[1].arg_value("deny") == "4");
  CHECK(stack.lines[1].file == "/etc/pam.d/common-auth");
  CHECK(stack.lines[1].line == 1);
  CHECK(stack.lines[2].arg_value("minlen") == "14");
  CHECK(stack.lines[2].find_arg("min") == nullptr);
}

TEST_CASE("accounts: passwd, shadow and group files, malformed lines reported", "[parse][accounts]") {
  auto pw = parse_passwd("root:x:0:0:root:/root:/bin/bash\nbroken:x:1\n+nis\nbad:x:a:1:::/bin/sh\n");
  REQUIRE(pw.entries.size() == 1);
  CHECK(pw.problems.size() == 2);
  auto sh = parse_shadow("root:*:19700:0:99999:7:::\nadmin:$y$abc:19700::365:7:30::\nlocked:!$6$x:1::::::\n");
  REQUIRE(sh.entries.size() == 3);
  CHECK_FALSE(sh.entries[0].has_usable_password());
  CHECK(sh.entries[1].has_usable_password());
  CHECK(sh.entries[1].max_days == 365);
  CHECK_FALSE(sh.entries[1].min_days.has_value());
  CHECK(sh.entries[1].inactive_days == 30);
  CHECK_FALSE(sh.entries[2].has_usable_password());
  auto gr = parse_group("sudo:x:27:alice,bob\nshadow:x:42:\n");
  REQUIRE(gr.entries.size() == 2);
  CHECK(gr.entries[0].members == std::vector<std::string>{"alice", "bob"});
  CHECK(gr.entries[1].members.empty());
}

TEST_CASE("key/value files and os-release quoting", "[parse][keyvalue]") {
  auto kv = parse_key_values("[Journal]\nStorage=persistent\n; c\n#Compress=no\n", KvSeparator::equals, true);
  REQUIRE(kv.size() == 1);
  CHECK(kv[0].section == "Journal");
  CHECK(kv[0].line == 2);
  auto ld = parse_key_values("PASS_MAX_DAYS\t365\nUMASK 027 \n", KvSeparator::whitespace);
  REQUIRE(ld.size() == 2);
  CHECK(ld[1].value == "027");
  auto os = parse_os_release("ID=debian\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME='Deb \"x\"'\nVERSION_ID=\"12\"\n");
  CHECK(os.at("PRETTY_NAME") == "Debian GNU/Linux 12 (bookworm)");
  CHECK(os.at("NAME") == "Deb \"x\"");
  CHECK(os.at("VERSION_ID") == "12");
}

TEST_CASE("string helpers: globs, sections, durations, modes", "[util]") {
  CHECK(util::glob_match("/etc/*.conf", "/etc/a.conf"));
  CHECK_FALSE(util::glob_match("/etc/*.conf", "/etc/sub/a.conf"));
  CHECK(util::glob_match("/etc/systemd/system/*.wants/x.service", "/etc/systemd/system/multi-user.target.wants/x.service"));
  CHECK(util::glob_match("/dev/sd[a-c]", "/dev/sdb"));
  CHECK_FALSE(util::glob_match("/dev/sd[!a-c]", "/dev/sdb"));
  CHECK(util::glob_match("*-cbc", "aes128-cbc"));
  CHECK(util::glob_match("a?c", "abc"));
  CHECK_FALSE(util::glob_match("a?c", "a/c"));
  CHECK(util::section_less("1.2", "1.10"));
  CHECK(util::section_less("1.1.2", "1.1.2.1"));
  CHECK_FALSE(util::section_less("2", "1.10"));
  CHECK(util::parse_number_or_duration("1m30s") == 90);
  CHECK(util::parse_number_or_duration("2h") == 7200);
  CHECK(util::parse_number_or_duration("60") == 60);
  CHECK_FALSE(util::parse_number_or_duration("1x").has_value());
  CHECK(util::parse_octal_mode("0640") == 0640u);
  CHECK_FALSE(util::parse_octal_mode("0980").has_value());
  CHECK_FALSE(util::parse_octal_mode("17777").has_value());
  CHECK(util::format_mode(0750) == "0750");
}

#include "util/regex.hpp"

TEST_CASE("regex: required literals are found conservatively", "[util][regex]") {
  using fleetaudit::util::required_literal_of;
  CHECK(required_literal_of(R"((?:^|[\s;])(?:(?:readonly|export)\s+)?TMOUT=["']?\d+)") == "TMOUT=");
  CHECK(required_literal_of(R"(^\s*PermitRootLogin\s+yes)") == "PermitRootLogin");
  CHECK(required_literal_of("NOPASSWD") == "NOPASSWD");
  CHECK(required_literal_of("abc|def") == "");          // top-level alternation with nothing in common
  CHECK(required_literal_of("TMOUTa|xTMOUT") == "TMOUT");  // ... or with something in common
  CHECK(required_literal_of(R"((?:^|[\s;])(?:readonly\s+(?:\w+(?:=\S*)?\s+)*TMOUT\b|(?:declare|typeset)\s+-\w*r\w*\s+TMOUT\b))") ==
        "TMOUT");
  CHECK(required_literal_of("(?=foo)bar") == "bar");     // lookarounds match nothing themselves
  CHECK(required_literal_of("(abc)?xyz") == "xyz");
  CHECK(required_literal_of("(?i)secret") == "");      // inline flags
  CHECK(required_literal_of("colou?r") == "colo");     // 'u' is optional
  CHECK(required_literal_of("[a-z]+foo") == "foo");
  CHECK(required_literal_of(R"(\x41BCD)") == "");      // escapes it does not read
  CHECK(required_literal_of("ab*cdef") == "cdef");
  CHECK(required_literal_of(R"(a\.conf)") == "a.conf");
  CHECK(required_literal_of(R"(x{0,3}yzw)") == "yzw");
  CHECK(required_literal_of("ab") == "");              // too short to help
  // Whatever it returns must be inside every match.
  for (const char* pat : {"foo(bar)?baz", "^-w /etc/sudoers -p wa", R"(\bpam_unix\.so\b.*nullok)", "x+yyy+z",
                          "(?:foox|yfoo)z", "a(?:bcd|bce)f", "(?<name>abc)d"}) {
    auto re = fleetaudit::util::Regex::compile(pat);
    REQUIRE(re);
    std::string lit = re->required_literal();
    for (const char* subject : {"foobaz", "foobarbaz", "-w /etc/sudoers -p wa -k scope", "auth pam_unix.so nullok", "xyyyyyz",
                                "yfooz", "fooxz", "abcdf", "abcef", "abcd"}) {
      if (re->search(subject)) CHECK(std::string_view(subject).find(lit) != std::string_view::npos);
    }
  }
}
