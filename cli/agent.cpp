// fleetaudit-agent: fleetaudit's collector alone, statically linked, for
// installing on hosts. The SSH collector runs it as
//   AGENT collect --plan - --out - --max-file-bytes N
// or with --plan-json JSON instead of --plan (the same command lines
// `fleetaudit collect` accepts) and reads the snapshot
// it prints. It loads no content and opens no store: it only collects.

#include <fleetaudit/collect.hpp>
#include <fleetaudit/plan.hpp>
#include <fleetaudit/snapshot.hpp>
#include <fleetaudit/version.hpp>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <sstream>
#include <string>

namespace {
int usage() {
  std::fputs("usage: fleetaudit-agent collect --plan -|FILE|--plan-json JSON --out - [--encoding json|binary] [--max-file-bytes N] [--root DIR]\n", stderr);
  return 1;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::strcmp(argv[1], "--version") == 0) {
    std::printf("fleetaudit-agent %s\n", fleetaudit::version());
    return 0;
  }
  if (argc < 2 || std::strcmp(argv[1], "collect") != 0) return usage();
  std::string plan_file, plan_json, out = "-", root = "/", encoding = "json";
  fleetaudit::CollectOptions options;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 >= argc) return usage();
    std::string v = argv[++i];
    if (a == "--plan") plan_file = v;
    else if (a == "--plan-json") plan_json = v;
    else if (a == "--out") out = v;
    else if (a == "--root") root = v;
    else if (a == "--encoding") encoding = v;
    else if (a == "--max-file-bytes") options.max_file_bytes = std::stoull(v);
    else return usage();
  }
  if ((plan_file.empty() == plan_json.empty()) || out != "-" || (encoding != "json" && encoding != "binary")) return usage();
  std::ostringstream text;
  if (!plan_json.empty()) {
    text << plan_json;
  } else if (plan_file == "-") {
    text << std::cin.rdbuf();
  } else {
    std::FILE* f = std::fopen(plan_file.c_str(), "rb");
    if (!f) {
      std::fprintf(stderr, "fleetaudit-agent: %s: cannot open\n", plan_file.c_str());
      return 1;
    }
    char buf[8192];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.write(buf, static_cast<std::streamsize>(n));
    std::fclose(f);
  }
  auto plan = fleetaudit::plan_from_json(text.str());
  if (!plan) {
    std::fprintf(stderr, "fleetaudit-agent: plan: %s\n", plan.error().message.c_str());
    return 1;
  }
  options.root = root;
  auto snapshot = fleetaudit::collect(*plan, options);
  std::string data = encoding == "binary" ? fleetaudit::to_binary(snapshot) : fleetaudit::to_json(snapshot);
  std::fwrite(data.data(), 1, data.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}
