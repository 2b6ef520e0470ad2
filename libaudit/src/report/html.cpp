// The HTML report: one self-contained file, readable offline, light or dark.
//
// The document is well-formed XML as well as HTML (void elements closed,
// boolean attributes with values, only XML's own entities), so tests parse it
// strictly. Sections are functions of their data returning HtmlSection; fleet
// analytics add theirs the same way and pass them in HtmlOptions.

#include "fleetaudit/report.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>

#include "fleetaudit/version.hpp"
#include "report/common.hpp"
#include "util/sha256.hpp"
#include "util/strings.hpp"

namespace fleetaudit {

namespace {

std::string esc(std::string_view s) {
  std::string out;
  report::append_html_text(out, s);
  return out;
}
std::string esc_attr(std::string_view s) {
  return report::markup(s, true);
}

// Styles for every section, built-in or added later: cards, tables, badges, bars.
constexpr std::string_view kStyle = R"css(
:root{color-scheme:light dark;
--bg:#f3f5f8;--surface:#ffffff;--surface2:#f7f8fa;--text:#1a2130;--muted:#5b6576;--border:#dce1e8;--accent:#2f5bd3;
--pass:#15803d;--fail:#c62828;--error:#7c3aed;--waived:#0f766e;--manual:#0e7490;--na:#6b7280;
--critical:#991b1b;--high:#dc2626;--medium:#ea580c;--low:#b7791f;--info:#2563eb;
--ok:#15803d;--warn:#b45309;--bad:#c62828;--code:#f0f2f6;--shadow:0 1px 2px rgba(16,24,40,.05),0 1px 3px rgba(16,24,40,.08);
--head1:#1e3a8a;--head2:#2f5bd3}
@media (prefers-color-scheme:dark){:root{
--bg:#0d1117;--surface:#161b22;--surface2:#1b222c;--text:#e6edf3;--muted:#9aa5b1;--border:#2d3541;--accent:#79a6ff;
--pass:#3fb950;--fail:#ff6b61;--error:#b794ff;--waived:#2dd4bf;--manual:#22d3ee;--na:#8b949e;
--critical:#ff8a80;--high:#ff6b61;--medium:#fb923c;--low:#eab308;--info:#60a5fa;
--ok:#3fb950;--warn:#d29922;--bad:#ff6b61;--code:#0b0f14;--shadow:none;--head1:#111a2e;--head2:#1d2d57}}
*{box-sizing:border-box}
[hidden]{display:none !important}
html{background:var(--bg);color:var(--text)}
body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
a{color:var(--accent);text-decoration:none}
a:hover{text-decoration:underline}
code,pre,.mono{font-family:ui-monospace,"SFMono-Regular","DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:12.5px}
.wrap{max-width:1240px;margin:0 auto;padding:0 24px}
header.top{background:linear-gradient(120deg,var(--head1),var(--head2));color:#fff;padding:22px 0 0}
header.top .brand{font-size:12px;letter-spacing:.14em;text-transform:uppercase;opacity:.8;font-weight:600}
header.top h1{margin:4px 0 6px;font-size:26px;font-weight:650}
header.top .meta{margin:0;opacity:.88;font-size:13px}
header.top .meta span+span::before{content:"\00B7";margin:0 8px;opacity:.7}
header.top nav{display:flex;gap:4px;margin-top:16px;flex-wrap:wrap}
header.top nav a{color:#fff;opacity:.85;padding:8px 14px;border-radius:8px 8px 0 0;font-weight:500}
header.top nav a:hover{opacity:1;background:rgba(255,255,255,.12);text-decoration:none}
main{padding-bottom:32px}
section.part{margin-top:28px}
section.part>h2{font-size:18px;margin:0 0 12px;font-weight:650}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(230px,1fr));gap:14px}
.card{background:var(--surface);border:1px solid var(--border);border-radius:12px;padding:16px 18px;box-shadow:var(--shadow)}
.card h3{margin:0 0 10px;font-size:12px;text-transform:uppercase;letter-spacing:.08em;color:var(--muted);font-weight:600}
.big{font-size:34px;font-weight:700;line-height:1.1}
.sub{color:var(--muted);font-size:13px}
.scorebox{display:flex;align-items:center;gap:16px}
.ring{--p:0;--c:var(--ok);width:84px;height:84px;border-radius:50%;flex:none;
background:conic-gradient(var(--c) calc(var(--p) * 1%),var(--border) 0);display:grid;place-items:center}
.ring::before{content:"";width:62px;height:62px;border-radius:50%;background:var(--surface);grid-area:1/1}
.ring b{grid-area:1/1;font-size:17px;z-index:1}
.good{--c:var(--ok)}.fair{--c:var(--warn)}.poor{--c:var(--bad)}
.kv{display:grid;grid-template-columns:auto 1fr;gap:4px 14px;margin:0}
.kv dt{color:var(--muted)}.kv dd{margin:0;font-weight:600;text-align:right}
.bars{display:grid;grid-template-columns:72px 1fr 44px;gap:7px 10px;align-items:center}
.bars .label{font-size:13px}.bars .num{text-align:right;font-weight:600;font-variant-numeric:tabular-nums}
.bar{height:10px;border-radius:5px;background:var(--surface2);border:1px solid var(--border);overflow:hidden}
.bar>span{display:block;height:100%;background:var(--c,var(--accent))}
.badge{display:inline-block;padding:0 8px;border-radius:999px;font-size:11.5px;font-weight:650;line-height:19px;white-space:nowrap;
color:var(--c);background:color-mix(in srgb,var(--c) 13%,transparent);border:1px solid color-mix(in srgb,var(--c) 35%,transparent)}
.sev-critical{--c:var(--critical)}.sev-high{--c:var(--high)}.sev-medium{--c:var(--medium)}.sev-low{--c:var(--low)}.sev-info{--c:var(--info)}
.res-pass{--c:var(--pass)}.res-fail{--c:var(--fail)}.res-error{--c:var(--error)}.res-waived{--c:var(--waived)}
.res-manual{--c:var(--manual)}.res-not-applicable{--c:var(--na)}
.state-ok{--c:var(--ok)}.state-warn{--c:var(--warn)}.state-bad{--c:var(--bad)}
.chips{display:flex;flex-wrap:wrap;gap:6px;margin-top:8px}
.notes{margin:14px 0 0;padding:12px 16px 12px 34px;background:var(--surface);border:1px solid var(--border);border-left:4px solid var(--warn);border-radius:8px}
.toolbar{display:none;gap:10px 16px;align-items:center;flex-wrap:wrap;margin:0 0 12px;padding:10px 14px;
background:var(--surface);border:1px solid var(--border);border-radius:10px}
html[data-js] .toolbar{display:flex}
.toolbar label{display:inline-flex;gap:6px;align-items:center;cursor:pointer}
.toolbar input[type=search],.toolbar select{font:inherit;color:var(--text);background:var(--surface2);border:1px solid var(--border);border-radius:7px;padding:5px 9px}
.toolbar input[type=search]{min-width:240px}
.toolbar button{font:inherit;color:var(--text);background:var(--surface2);border:1px solid var(--border);border-radius:7px;padding:5px 12px;cursor:pointer}
.toolbar .spacer{flex:1}
.tablewrap{overflow-x:auto;background:var(--surface);border:1px solid var(--border);border-radius:12px;box-shadow:var(--shadow)}
table.grid{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
table.grid th,table.grid td{padding:8px 12px;border-bottom:1px solid var(--border);text-align:left;vertical-align:middle}
table.grid th{font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);background:var(--surface2);font-weight:600;white-space:nowrap}
html[data-js] table.grid th[data-type]{cursor:pointer}
table.grid th[aria-sort=ascending]::after{content:" \25B2";font-size:9px}
table.grid th[aria-sort=descending]::after{content:" \25BC";font-size:9px}
table.grid tbody tr:last-child td{border-bottom:0}
table.grid tbody tr:hover td{background:var(--surface2)}
table.grid td.n{text-align:right}table.grid th.n{text-align:right}
td.zero{color:var(--muted);opacity:.55}
td.detail{color:var(--muted);max-width:380px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.scorecell{display:flex;align-items:center;gap:8px;min-width:130px}
.scorecell .bar{flex:1;height:8px}
.scorecell b{width:48px;text-align:right}
details.host{background:var(--surface);border:1px solid var(--border);border-radius:12px;margin:0 0 12px;box-shadow:var(--shadow)}
details.host>summary{list-style:none;cursor:pointer;padding:12px 16px;display:flex;gap:12px;align-items:center;flex-wrap:wrap}
details.host>summary::-webkit-details-marker{display:none}
details.host>summary::before{content:"\25B8";color:var(--muted);transition:transform .15s}
details.host[open]>summary::before{transform:rotate(90deg)}
details.host>summary .name{font-weight:650;font-size:15px}
details.host>summary .counts{margin-left:auto;display:flex;gap:6px;flex-wrap:wrap;align-items:center}
details.host .body{border-top:1px solid var(--border);padding:8px 12px 12px}
.notice{margin:8px 4px;padding:8px 12px;border-radius:8px;background:color-mix(in srgb,var(--bad) 10%,transparent);border:1px solid color-mix(in srgb,var(--bad) 30%,transparent)}
.none{color:var(--muted);padding:8px 6px;margin:0}
details.finding{border:1px solid var(--border);border-left:4px solid var(--c);border-radius:8px;margin:8px 0;background:var(--surface)}
details.finding>summary{list-style:none;cursor:pointer;padding:8px 12px;display:grid;grid-template-columns:auto auto 1fr;gap:2px 10px;align-items:baseline}
details.finding>summary::-webkit-details-marker{display:none}
details.finding>summary .what{min-width:0}
details.finding>summary .title{font-weight:600}
details.finding>summary .sect{color:var(--muted);font-variant-numeric:tabular-nums;margin-right:6px}
details.finding>summary .id{color:var(--muted);font-size:12px;margin-left:8px}
details.finding>summary .subject{font-size:12px;margin-left:6px;color:var(--muted)}
details.finding>summary .peek{grid-column:3;color:var(--muted);font-size:12.5px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
details.finding[open]>summary .peek{display:none}
details.finding .more{padding:2px 14px 12px 14px}
details.finding h4{margin:10px 0 4px;font-size:11.5px;text-transform:uppercase;letter-spacing:.07em;color:var(--muted)}
details.finding p{margin:0}
.ctl{display:inline-block;font:600 10px/1.3 ui-monospace,"DejaVu Sans Mono",monospace;padding:0 3px;margin:0 1px;border-radius:3px;
color:var(--warn);border:1px solid currentColor;vertical-align:1px}
pre.evidence{margin:0;padding:9px 12px;background:var(--code);border:1px solid var(--border);border-radius:7px;white-space:pre-wrap;word-break:break-word;max-height:420px;overflow:auto}
.waiver{color:var(--waived);font-weight:600}
footer{color:var(--muted);font-size:12.5px;padding:20px 24px 32px;border-top:1px solid var(--border);margin-top:24px}
@media print{header.top{background:none;color:var(--text)}header.top nav,.toolbar{display:none !important}details.host,details.finding{break-inside:avoid}}
)css";

// Filtering and sorting; the report reads the same without it. No '<' or '&'
// in it, so the document stays well-formed XML.
constexpr std::string_view kScript = R"js(
(function () {
  var doc = document;
  doc.documentElement.setAttribute("data-js", "on");
  function all(sel, root) { return Array.prototype.slice.call((root || doc).querySelectorAll(sel)); }
  var hostFilter = doc.getElementById("host-filter");
  if (hostFilter) hostFilter.addEventListener("input", function () {
    var q = hostFilter.value.toLowerCase();
    all("#hosts-table tbody tr").forEach(function (tr) {
      tr.hidden = q === "" ? false : tr.textContent.toLowerCase().indexOf(q) === -1;
    });
  });
  all("table.grid th[data-type]").forEach(function (th) {
    th.addEventListener("click", function () {
      var table = th.closest("table"), body = table.tBodies[0];
      var idx = Array.prototype.indexOf.call(th.parentNode.children, th);
      var num = th.getAttribute("data-type") === "num";
      var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
      all("th", table).forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
      var rows = all("tr", body);
      rows.sort(function (a, b) {
        var x = a.children[idx].getAttribute("data-v"), y = b.children[idx].getAttribute("data-v");
        if (num) { x = parseFloat(x); y = parseFloat(y); }
        return (x > y ? 1 : (y > x ? -1 : 0)) * dir;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
  var rank = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };
  var kinds = all("input[data-kind]");
  var minSeverity = doc.getElementById("min-severity");
  var findingFilter = doc.getElementById("finding-filter");
  function applyFindings() {
    var on = {};
    kinds.forEach(function (k) { on[k.getAttribute("data-kind")] = k.checked; });
    var min = minSeverity ? rank[minSeverity.value] : 0;
    var q = findingFilter ? findingFilter.value.toLowerCase() : "";
    all("details.host").forEach(function (host) {
      var shown = 0;
      all("details.finding", host).forEach(function (f) {
        var keep = on[f.getAttribute("data-result")] === true;
        if (keep) keep = rank[f.getAttribute("data-severity")] >= min;
        if (keep) keep = q === "" || f.textContent.toLowerCase().indexOf(q) !== -1;
        f.hidden = !keep;
        if (keep) shown += 1;
      });
      var count = host.querySelector(".shown");
      if (count) count.textContent = shown + " shown";
    });
  }
  kinds.forEach(function (k) { k.addEventListener("change", applyFindings); });
  if (minSeverity) minSeverity.addEventListener("change", applyFindings);
  if (findingFilter) findingFilter.addEventListener("input", applyFindings);
  all("button[data-open]").forEach(function (b) {
    b.addEventListener("click", function () {
      var open = b.getAttribute("data-open") === "1";
      all(b.getAttribute("data-target")).forEach(function (d) { d.open = open; });
    });
  });
})();
)js";

std::string script_hash() {
  auto digest = util::sha256(kScript);
  return "sha256-" + util::base64(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

std::string score_class(double score) {
  return score >= 90 ? "good" : score >= 70 ? "fair" : "poor";
}

std::string state_class(std::string_view state) {
  if (state == "ok") return "state-ok";
  if (state == "partial") return "state-warn";
  return "state-bad";
}

std::string badge(std::string_view cls, std::string_view text) {
  return "<span class=\"badge " + std::string(cls) + "\">" + esc(text) + "</span>";
}

std::string num(long long n) {
  return std::to_string(n);
}

std::string percent(double value, double total) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f", total > 0 ? std::clamp(100.0 * value / total, 0.0, 100.0) : 0.0);
  return buf;
}

std::vector<const HostReport*> hosts_by_name(const ScanReport& report) {
  std::vector<const HostReport*> hosts;
  for (const auto& h : report.hosts) hosts.push_back(&h);
  std::stable_sort(hosts.begin(), hosts.end(),
                   [](const HostReport* a, const HostReport* b) { return a->host < b->host; });
  return hosts;
}

// Anchors by position in the report: host names may hold anything.
std::map<const HostReport*, std::string> host_anchors(const ScanReport& report) {
  std::map<const HostReport*, std::string> ids;
  for (std::size_t i = 0; i < report.hosts.size(); ++i) ids[&report.hosts[i]] = "host-" + std::to_string(i + 1);
  return ids;
}

constexpr Severity kSeverities[] = {Severity::critical, Severity::high, Severity::medium, Severity::low,
                                    Severity::info};

// The evidence's first line, for the collapsed row: "... (+3 more lines)".
std::string peek_of(std::string_view evidence) {
  std::string out = report::first_line(evidence, 220);
  std::size_t lines = util::split_lines(evidence).size();
  if (lines > 1) out += "  (+" + std::to_string(lines - 1) + (lines == 2 ? " more line)" : " more lines)");
  return out;
}

std::string finding(const CheckResult& r) {
  std::string result(to_string(r.result)), severity(to_string(r.severity));
  auto waived = report::split_waiver(r.evidence);
  std::string_view evidence = r.result == ResultKind::waived ? waived.evidence : std::string_view(r.evidence);
  std::string o;
  o += "<details class=\"finding res-" + result + "\" data-result=\"" + result + "\" data-severity=\"" + severity +
       "\">";
  o += "<summary>" + badge("sev-" + severity, severity) + badge("res-" + result, result);
  o += "<span class=\"what\">";
  if (!r.section.empty()) o += "<span class=\"sect\">" + esc(r.section) + "</span>";
  o += "<span class=\"title\">" + esc(r.title.empty() ? r.check_id : r.title) + "</span>";
  if (!r.subject.empty()) o += "<span class=\"subject\">[" + esc(r.subject) + "]</span>";
  if (!r.check_id.empty()) o += "<code class=\"id\">" + esc(r.check_id) + "</code>";
  o += "</span>";
  std::string peek =
      r.result == ResultKind::waived && !waived.waiver.empty() ? std::string(waived.waiver) : peek_of(evidence);
  if (!peek.empty()) o += "<span class=\"peek\">" + esc(peek) + "</span>";
  o += "</summary><div class=\"more\">";
  if (r.result == ResultKind::waived && !waived.waiver.empty()) {
    o += "<h4>Waiver</h4><p class=\"waiver\">" + esc(waived.waiver) + "</p>";
  }
  o += "<h4>Evidence</h4><pre class=\"evidence\">" +
       esc(evidence.empty() ? std::string_view("(none recorded)") : evidence) + "</pre>";
  if (r.check) {
    if (!r.check->remediation.empty()) o += "<h4>Remediation</h4><p>" + esc(r.check->remediation) + "</p>";
    if (!r.check->rationale.empty()) o += "<h4>Rationale</h4><p>" + esc(r.check->rationale) + "</p>";
    std::vector<std::string> refs;
    for (const auto& [bench, secs] : r.check->refs.cis) refs.push_back("CIS " + bench + " " + util::join(secs, ", "));
    if (!r.check->refs.nist_800_190.empty())
      refs.push_back("NIST SP 800-190 " + util::join(r.check->refs.nist_800_190, ", "));
    if (!refs.empty()) o += "<h4>References</h4><p>" + esc(util::join(refs, "; ")) + "</p>";
  }
  o += "</div></details>\n";
  return o;
}

int result_rank(ResultKind r) {
  return r == ResultKind::fail ? 0 : r == ResultKind::error ? 1 : 2;
}

}  // namespace

std::string html_escape(std::string_view text) {
  return report::markup(text, true);
}

HtmlSection html_summary_section(const ScanReport& report) {
  const Summary& s = report.summary;
  std::map<std::string, int> states;
  for (const auto& h : report.hosts) ++states[h.state];
  std::string o = "<div class=\"cards\">\n";

  o += "<div class=\"card\"><h3>Compliance score</h3><div class=\"scorebox\"><div class=\"ring " +
       score_class(s.score) + "\" style=\"--p:" + report::format_score(s.score) + "\"><b>" +
       report::format_score(s.score) + "%</b></div><div class=\"sub\">severity-weighted share of passes among " +
       num(s.pass + s.fail + s.error) + " decided results (" + num(s.pass) + " pass)</div></div></div>\n";

  o += "<div class=\"card\"><h3>Hosts</h3><div class=\"big\">" + num(static_cast<long long>(report.hosts.size())) +
       "</div><div class=\"chips\">";
  for (const auto& [state, n] : states) o += badge(state_class(state), num(n) + " " + state);
  o += "</div></div>\n";

  o += "<div class=\"card\"><h3>Results</h3><dl class=\"kv\">";
  auto kv = [&](std::string_view label, std::string_view cls, int n) {
    o += "<dt>" + badge(cls, label) + "</dt><dd>" + num(n) + "</dd>";
  };
  kv("fail", "res-fail", s.fail);
  kv("error", "res-error", s.error);
  kv("waived", "res-waived", s.waived);
  kv("pass", "res-pass", s.pass);
  kv("manual", "res-manual", s.manual);
  kv("not applicable", "res-not-applicable", s.not_applicable);
  o += "</dl></div>\n";

  int most = 0;
  for (int k = 0; k < 5; ++k) most = std::max(most, s.fail_by_severity[k]);
  o += "<div class=\"card\"><h3>Failures by severity</h3><div class=\"bars\">";
  for (Severity sev : kSeverities) {
    int n = s.fail_by_severity[static_cast<int>(sev)];
    std::string name(to_string(sev));
    o += "<span class=\"label\">" + esc(name) + "</span><div class=\"bar sev-" + name +
         "\"><span style=\"width:" + percent(n, most) + "%\"></span></div><span class=\"num\">" + num(n) + "</span>";
  }
  o += "</div></div>\n</div>\n";

  if (!report.waiver_notes.empty()) {
    o += "<ul class=\"notes\">";
    for (const auto& n : report.waiver_notes) o += "<li>" + esc(n) + "</li>";
    o += "</ul>\n";
  }
  return {"summary", "Summary", o};
}

HtmlSection html_hosts_section(const ScanReport& report) {
  auto anchors = host_anchors(report);
  std::string o;
  o += "<div class=\"toolbar\"><input type=\"search\" id=\"host-filter\" placeholder=\"Filter hosts\" "
       "aria-label=\"Filter hosts\"/>"
       "<span class=\"sub\">click a column to sort</span></div>\n";
  o += "<div class=\"tablewrap\"><table class=\"grid\" id=\"hosts-table\"><thead><tr>"
       "<th data-type=\"text\">Host</th><th data-type=\"text\">State</th><th data-type=\"num\">Score</th>"
       "<th class=\"n\" data-type=\"num\">Critical</th><th class=\"n\" data-type=\"num\">High</th>"
       "<th class=\"n\" data-type=\"num\">Medium</th><th class=\"n\" data-type=\"num\">Low</th>"
       "<th class=\"n\" data-type=\"num\">Info</th><th class=\"n\" data-type=\"num\">Errors</th>"
       "<th class=\"n\" data-type=\"num\">Waived</th><th data-type=\"text\">Detail</th></tr></thead><tbody>\n";
  for (const HostReport* h : hosts_by_name(report)) {
    const Summary& s = h->summary;
    bool scored = s.total() > 0;
    std::string score = report::format_score(s.score);
    o += "<tr><td data-v=\"" + esc_attr(h->host) + "\"><a href=\"#" + anchors[h] + "\">" + esc(h->host) + "</a></td>";
    o += "<td data-v=\"" + esc_attr(h->state) + "\">" + badge(state_class(h->state), h->state) + "</td>";
    if (scored) {
      o += "<td data-v=\"" + score + "\"><div class=\"scorecell " + score_class(s.score) +
           "\"><div class=\"bar\"><span style=\"width:" + score + "%\"></span></div><b>" + score + "%</b></div></td>";
    } else {
      o += "<td data-v=\"-1\" class=\"zero\">-</td>";
    }
    auto cell = [&](int n) {
      o += "<td class=\"n" + std::string(n ? "" : " zero") + "\" data-v=\"" + num(n) + "\">" + num(n) + "</td>";
    };
    for (Severity sev : kSeverities) cell(s.fail_by_severity[static_cast<int>(sev)]);
    cell(s.error);
    cell(s.waived);
    std::string detail = report::first_line(h->state_detail, 200);
    o += "<td class=\"detail\" data-v=\"" + esc_attr(detail) + "\" title=\"" + esc_attr(h->state_detail) + "\">" +
         esc(detail) + "</td></tr>\n";
  }
  o += "</tbody></table></div>\n";
  return {"hosts", "Hosts", o};
}

HtmlSection html_findings_section(const ScanReport& report) {
  auto anchors = host_anchors(report);
  std::string o;
  o += "<div class=\"toolbar\">"
       "<label><input type=\"checkbox\" data-kind=\"fail\" checked=\"checked\"/>fail</label>"
       "<label><input type=\"checkbox\" data-kind=\"error\" checked=\"checked\"/>error</label>"
       "<label><input type=\"checkbox\" data-kind=\"waived\" checked=\"checked\"/>waived</label>"
       "<label>at least <select id=\"min-severity\" aria-label=\"Lowest severity shown\">"
       "<option value=\"info\" selected=\"selected\">info</option><option value=\"low\">low</option>"
       "<option value=\"medium\">medium</option><option value=\"high\">high</option>"
       "<option value=\"critical\">critical</option></select></label>"
       "<input type=\"search\" id=\"finding-filter\" placeholder=\"Search checks and evidence\" aria-label=\"Search "
       "findings\"/>"
       "<span class=\"spacer\"></span>"
       "<button type=\"button\" data-open=\"1\" data-target=\"details.host, details.finding\">Expand all</button>"
       "<button type=\"button\" data-open=\"0\" data-target=\"details.finding\">Collapse findings</button></div>\n";
  const bool open_hosts = report.hosts.size() <= 12;
  for (const HostReport* h : hosts_by_name(report)) {
    std::vector<const CheckResult*> rows;
    for (const CheckResult* r : report::sorted_results(*h)) {
      if (r->result == ResultKind::fail || r->result == ResultKind::error || r->result == ResultKind::waived)
        rows.push_back(r);
    }
    std::stable_sort(rows.begin(), rows.end(), [](const CheckResult* a, const CheckResult* b) {
      if (result_rank(a->result) != result_rank(b->result)) return result_rank(a->result) < result_rank(b->result);
      return a->severity > b->severity;
    });
    const Summary& s = h->summary;
    o += "<details class=\"host\" id=\"" + anchors[h] + "\"" +
         (open_hosts && (!rows.empty() || h->state != "ok") ? " open=\"open\"" : "") + ">";
    o += "<summary><span class=\"name\">" + esc(h->host) + "</span>" + badge(state_class(h->state), h->state);
    if (s.total() > 0) o += "<span class=\"sub\">score " + report::format_score(s.score) + "%</span>";
    o += "<span class=\"counts\">";
    for (Severity sev : kSeverities) {
      int n = s.fail_by_severity[static_cast<int>(sev)];
      if (n) o += badge("sev-" + std::string(to_string(sev)), num(n) + " " + std::string(to_string(sev)));
    }
    if (s.error) o += badge("res-error", num(s.error) + " error");
    if (s.waived) o += badge("res-waived", num(s.waived) + " waived");
    o += "<span class=\"sub shown\">" + num(static_cast<long long>(rows.size())) +
         " shown</span></span></summary><div class=\"body\">\n";
    if (h->state != "ok") {
      o += "<p class=\"notice\"><b>" + esc(h->state) + "</b>" +
           (h->state_detail.empty() ? "" : ": " + esc(h->state_detail)) + "</p>\n";
    }
    if (!h->collector.empty() || !h->collected_at.empty()) {
      o += "<p class=\"sub\" style=\"margin:4px 4px 6px\">collected " + esc(h->collected_at) +
           (h->collector.empty() ? "" : " via " + esc(h->collector));
      if (!h->tags.empty()) o += " · tags " + esc(util::join(h->tags, ", "));
      o += "</p>\n";
    }
    if (rows.empty()) o += "<p class=\"none\">No failing, error or waived results.</p>\n";
    for (const CheckResult* r : rows) o += finding(*r);
    o += "</div></details>\n";
  }
  return {"findings", "Findings", o};
}

std::string html_document(const HtmlPage& page, const std::vector<HtmlSection>& sections) {
  std::string o;
  std::size_t size = 16 * 1024;
  for (const auto& s : sections) size += s.html.size() + 256;
  o.reserve(size);
  o +=
      "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n";
  o += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n";
  o += "<meta name=\"color-scheme\" content=\"light dark\"/>\n";
  // Nothing is loaded from anywhere; only this document's own style and script run.
  o += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src "
       "data:; script-src '" +
       script_hash() + "'\"/>\n";
  o += "<meta name=\"generator\" content=\"fleetaudit " + esc_attr(version()) + "\"/>\n";
  o += "<title>" + esc(page.title) + "</title>\n<link rel=\"icon\" href=\"data:,\"/>\n<style>";
  o += kStyle;
  o += "</style>\n</head>\n<body>\n";
  o +=
      "<header class=\"top\"><div class=\"wrap\"><div class=\"brand\">fleetaudit</div><h1>" + esc(page.title) + "</h1>";
  if (!page.facts.empty()) {
    o += "<p class=\"meta\">";
    for (const auto& f : page.facts) o += "<span>" + esc(f) + "</span>";
    o += "</p>";
  }
  o += "<nav>";
  for (const auto& s : sections) o += "<a href=\"#" + esc_attr(s.id) + "\">" + esc(s.title) + "</a>";
  o += "</nav></div></header>\n<main class=\"wrap\">\n";
  for (const auto& s : sections) {
    o += "<section class=\"part\" id=\"" + esc_attr(s.id) + "\"><h2>" + esc(s.title) + "</h2>\n";
    o += s.html;
    o += "</section>\n";
  }
  o += "</main>\n";
  if (!page.footer.empty()) o += "<footer class=\"wrap\">" + esc(page.footer) + "</footer>\n";
  o += "<script>";
  o += kScript;
  o += "</script>\n</body>\n</html>\n";
  return o;
}

std::string format_html(const ScanReport& report, const HtmlOptions& options) {
  const ScanInfo& s = report.scan;
  HtmlPage page;
  page.title = options.title;
  if (page.title.empty()) {
    page.title = "Compliance report";
    if (!s.profile_title.empty())
      page.title += ": " + s.profile_title;
    else if (!s.profile.empty())
      page.title += ": " + s.profile;
  }
  if (!s.profile.empty()) {
    page.facts.push_back("profile " + s.profile + " " + s.profile_version +
                         (s.level ? " level " + std::to_string(s.level) : ""));
  } else {
    page.facts.push_back("every check, no profile");
  }
  if (s.id) page.facts.push_back("scan #" + std::to_string(s.id));
  if (!s.started_at.empty()) page.facts.push_back(s.started_at);
  char dur[32];
  std::snprintf(dur, sizeof dur, "%.2f s", s.duration_seconds);
  page.facts.push_back(dur);
  page.facts.push_back(std::to_string(s.checks_selected) + " checks selected");
  page.footer = "Generated by fleetaudit " + (s.tool_version.empty() ? std::string(version()) : s.tool_version) +
                (s.finished_at.empty() ? "" : ", scan finished " + s.finished_at) +
                ". Evidence is quoted as each host showed it.";
  std::vector<HtmlSection> sections{html_summary_section(report), html_hosts_section(report),
                                    html_findings_section(report)};
  for (const auto& extra : options.extra_sections) sections.push_back(extra);
  return html_document(page, sections);
}

}  // namespace fleetaudit
