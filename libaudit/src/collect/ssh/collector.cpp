// The SSH collector: plan -> script -> one exec -> framed stream -> snapshot.

#include <cctype>

#include "collect/ssh/collector.hpp"
#include "collect/ssh/frames.hpp"
#include "collect/ssh/script.hpp"
#include "collect/ssh/transport.hpp"
#include "fleetaudit/collect.hpp"
#include "fleetaudit/inventory.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

namespace fleetaudit {

HostCollection collect_ssh(const Plan& plan, const InventoryHost& host, const CollectOptions& options,
                           const SshOptions& ssh) {
  remote::ScriptCache scripts(plan, options.max_file_bytes);
  return remote::collect_ssh_cached(scripts, host, options, ssh);
}

HostCollection remote::collect_ssh_cached(const ScriptCache& scripts, const InventoryHost& host, const CollectOptions& options,
                                          const SshOptions& ssh) {
  HostCollection out;
  out.snapshot.host = host.name;
  std::string user = host.user.empty() ? std::string() : host.user + "@";
  out.snapshot.collector = "ssh:" + user + host.address + (host.port == 22 ? "" : ":" + std::to_string(host.port));

  std::string agent = ssh.agent_path;
  if (auto it = host.vars.find("fleetaudit_agent"); it != host.vars.end() && !ssh.agent_path_explicit)
    agent = it->second;
  if (agent == "none") agent.clear();

  const std::string boundary = remote::random_boundary();
  const std::string script = scripts.script(boundary, agent);
  // sudo for this host: --sudo, or the inventory says so (fleetaudit_sudo, or
  // Ansible's become when its method is sudo).
  auto var = [&](const char* k) {
    auto it = host.vars.find(k);
    return it == host.vars.end() ? std::string() : it->second;
  };
  auto truthy = [](std::string v) {
    for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return v == "true" || v == "yes" || v == "1" || v == "on";
  };
  const std::string method = var("ansible_become_method");
  const bool sudo = ssh.sudo || truthy(var("fleetaudit_sudo")) ||
                    (truthy(var("ansible_become")) && (method.empty() || method == "sudo"));
  // A constant command: nothing from the inventory or the host is in it.
  const std::string command = sudo ? "sudo -n /bin/sh -s" : "/bin/sh -s";

  remote::Endpoint target{host.address.empty() ? host.name : host.address, host.port, host.user, host.identity_files};
  remote::Endpoint jump;
  if (!host.proxy_jump.empty()) {
    jump = remote::parse_jump(host.proxy_jump);
    jump.identity_files = host.identity_files;
    if (jump.user.empty()) jump.user = host.user;
  }
  remote::SshSettings settings;
  settings.known_hosts = ssh.known_hosts;
  settings.accept_new_host_keys = ssh.accept_new_host_keys;
  settings.use_ssh_agent = ssh.use_ssh_agent;
  settings.connect_timeout = ssh.connect_timeout;
  settings.deadline = ssh.host_timeout;
  settings.max_output = ssh.max_host_bytes;

  remote::SshRun run = remote::run_over_ssh(target, host.proxy_jump.empty() ? nullptr : &jump, settings, command, script);
  out.snapshot.collected_at = util::utc_now();
  auto finish = [&](std::string state, std::string detail) {
    out.state = std::move(state);
    out.detail = std::move(detail);
    if (out.state != "ok") out.snapshot.errors.push_back(out.detail);
    return out;
  };
  if (run.state != "ok" && run.state != "partial" && run.state != "timeout") return finish(run.state, run.detail);

  remote::FrameLimits limits;
  limits.max_file_bytes = options.max_file_bytes;
  remote::FrameResult frames = remote::parse_frames(run.out, boundary, limits);
  std::string collector = out.snapshot.collector;
  out.snapshot.files = std::move(frames.snapshot.files);
  out.snapshot.globs = std::move(frames.snapshot.globs);
  for (auto& e : frames.snapshot.errors) out.snapshot.errors.push_back(std::move(e));
  if (frames.agent) out.snapshot.collector = "agent:" + agent + " via " + collector;

  const std::string where = host.name + ": ";
  if (run.state == "timeout") return finish("timeout", run.detail);
  std::string err = util::clip(util::trim(run.err), 200);
  if (sudo && !frames.started && (err.find("password") != std::string::npos || err.find("terminal") != std::string::npos))
    return finish("collection-error", where + "sudo would prompt for a password (sudo -n refused: " + err + ")");
  if (!frames.started && frames.error.empty() && run.out.empty())
    return finish("collection-error", where + "the collection script did not run (exit status " + std::to_string(run.exit_status) +
                                          (err.empty() ? "" : ": " + err) + ")");
  if (!frames.error.empty()) return finish("collection-error", where + "malformed output, " + frames.error);
  if (run.state == "partial" || !frames.complete)
    return finish("partial", where + "the output stopped early after " + std::to_string(run.out.size()) + " bytes (" +
                                 std::to_string(frames.records) + " records); facts not received are errors in the results");
  return out;
}

}  // namespace fleetaudit
