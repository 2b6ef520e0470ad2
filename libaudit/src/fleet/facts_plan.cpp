// What fleet analytics collects from every host (fleetaudit/fleet.hpp). Its
// own file: the planner (and so the static agent) links it without the
// analysis.

#include "content/rule.hpp"
#include "fleet/container_roots.hpp"
#include "fleetaudit/fleet.hpp"

namespace fleetaudit {

Plan fleet_facts_plan() {
  Plan p;
  for (const char* f : {detail::paths::kOsRelease, detail::paths::kOsReleaseFallback, "/proc/sys/kernel/osrelease", "/proc/version",
                        "/proc/uptime", "/var/run/reboot-required.pkgs", "/run/reboot-required.pkgs",
                        "/sys/devices/system/cpu/smt/control", "/proc/xen/capabilities", "/sys/class/dmi/id/sys_vendor",
                        "/sys/class/dmi/id/product_name", "/sys/hypervisor/type", "/run/systemd/container", "/proc/1/cgroup",
                        detail::paths::kDpkgStatus, "/var/lib/rpm/rpmdb.sqlite"})
    p.add(f, kPlanContent);
  for (const char* f : {"/var/run/reboot-required", "/run/reboot-required", "/dev/kvm", "/.dockerenv", "/run/.containerenv"})
    p.add(f, kPlanStat);
  p.add("/sys/kernel/livepatch/*/enabled", kPlanContent);
  p.add("/sys/kernel/livepatch/*/transition", kPlanContent);
  p.add("/sys/devices/system/cpu/vulnerabilities/*", kPlanContent);
  p.add("/boot", kPlanList);
  for (const char* probe : {"@apt-candidates", "@dnf-candidates", "@cpu-flags", "@deleted-maps"}) p.add(probe, kPlanContent);
  detail::add_container_plan(p);  // containers: their roots, os-release and package databases
  return p;
}

}  // namespace fleetaudit
