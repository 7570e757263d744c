/* One live migration with SimGrid's live-migration plugin, for vmft's side-by-side test.
 *
 * Two hosts joined by one full-duplex link; a migratable VM computes without pause on the source
 * (so the plugin's dirty-page tracking sees it compute at the host's full speed: dirtied bytes per
 * second = intensity x migration speed, at most the working set per round) and is migrated to the
 * target. Prints one JSON object.
 *
 * The guest computes in 10 ms chunks, not one endless exec: with one endless exec, 3.32's tracking
 * (dirty_page_tracking.cpp: remaining work of the running execs at each lookup, plus the execs that
 * finished) reported nothing dirtied (`updated_size 0` in the vm_live_migration debug log), while
 * finished chunks are counted. A chunk still running at a lookup may be counted in the next round:
 * at most 10 ms of dirtying moves between two rounds.
 *
 *   migrate --ram-mib 1024 --intensity-pct 50 --mig-speed-mibps 100 --bandwidth-mbps 1000
 *           [--latency-us 100] [--working-set-pct 90] [--host-gflops 1] [--start-s 1]
 *           [--platform FILE]   (where the platform XML is written; default: a temp file)
 *           [--count N]         (N migrations in one process, for timing: the VM goes back and forth,
 *                                each migration `--start-s` after the previous one ended; default 1)
 *
 * Output: totalTimeS (sg_vm_migrate's duration), sentMiB and rounds (from the plugin's stage
 * messages: round 1 = stage 1, then each stage-2 round, then the stage-3 stop-and-copy), the
 * per-round sizes and durations, and the inputs as SimGrid sees them — all of the first migration —
 * and `count`, `wallS` and `cpuS`: the process's wall and CPU time from start-up (platform loading
 * included) to the end of the last migration (vmft's bench divides them by `count`).
 */
#include <simgrid/s4u.hpp>
#include <simgrid/plugins/live_migration.h>
#include <simgrid/version.h>
#include <simgrid/vm.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <unistd.h>
#include <vector>

namespace sg4 = simgrid::s4u;

struct Options {
  int ram_mib          = 1024;
  int intensity_pct    = 0;
  int mig_speed_mibps  = 100;
  double bandwidth_mbps = 1000; // decimal Mbit/s, as the platform file writes it
  double latency_us    = 100;
  double working_set_pct = 90; // the plugin's own default (sg_vm_create_migratable)
  double host_gflops   = 1;
  double start_s       = 1;
  int count            = 1;
  std::string platform;
};

struct Round {
  int stage;
  double bytes;
  double start;
  double end = -1;
};

static Options opt;

static std::vector<Round> rounds;
static std::map<const sg4::Activity*, size_t> open_comms;
static double mig_start = -1;
static double mig_end   = -1;
static int migrations_done = 0;

static void usage(const char* prog)
{
  std::fprintf(stderr,
               "usage: %s --ram-mib N --intensity-pct N --mig-speed-mibps N --bandwidth-mbps X [--latency-us X]\n"
               "          [--working-set-pct X] [--host-gflops X] [--start-s X] [--platform FILE] [--count N]\n",
               prog);
  std::exit(2);
}

static void parse(int argc, char** argv)
{
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    if (i + 1 >= argc)
      usage(argv[0]);
    const char* v = argv[++i];
    if (a == "--ram-mib")
      opt.ram_mib = std::atoi(v);
    else if (a == "--intensity-pct")
      opt.intensity_pct = std::atoi(v);
    else if (a == "--mig-speed-mibps")
      opt.mig_speed_mibps = std::atoi(v);
    else if (a == "--bandwidth-mbps")
      opt.bandwidth_mbps = std::atof(v);
    else if (a == "--latency-us")
      opt.latency_us = std::atof(v);
    else if (a == "--working-set-pct")
      opt.working_set_pct = std::atof(v);
    else if (a == "--host-gflops")
      opt.host_gflops = std::atof(v);
    else if (a == "--start-s")
      opt.start_s = std::atof(v);
    else if (a == "--platform")
      opt.platform = v;
    else if (a == "--count")
      opt.count = std::atoi(v);
    else
      usage(argv[0]);
  }
  if (opt.ram_mib <= 0 || opt.intensity_pct < 0 || opt.mig_speed_mibps <= 0 || opt.bandwidth_mbps <= 0 ||
      opt.latency_us < 0 || opt.working_set_pct <= 0 || opt.working_set_pct > 100 || opt.host_gflops <= 0 || opt.count < 1)
    usage(argv[0]);
}

static std::string write_platform()
{
  std::string path = opt.platform;
  if (path.empty()) {
    char tmpl[] = "/tmp/vmft-simgrid-platform-XXXXXX";
    int fd      = mkstemp(tmpl);
    if (fd < 0) {
      std::perror("mkstemp");
      std::exit(1);
    }
    close(fd);
    path = tmpl;
  }
  std::ofstream f(path);
  f << "<?xml version='1.0'?>\n"
    << "<!DOCTYPE platform SYSTEM \"https://simgrid.org/simgrid.dtd\">\n"
    << "<platform version=\"4.1\">\n"
    << "  <zone id=\"z\" routing=\"Full\">\n"
    << "    <host id=\"src\" speed=\"" << opt.host_gflops << "Gf\"/>\n"
    << "    <host id=\"dst\" speed=\"" << opt.host_gflops << "Gf\"/>\n"
    << "    <link id=\"l\" bandwidth=\"" << opt.bandwidth_mbps << "Mbps\" latency=\"" << opt.latency_us
    << "us\" sharing_policy=\"SPLITDUPLEX\"/>\n"
    << "    <route src=\"src\" dst=\"dst\"><link_ctn id=\"l\" direction=\"UP\"/></route>\n"
    << "  </zone>\n"
    << "</platform>\n";
  f.close();
  if (!f) {
    std::fprintf(stderr, "cannot write %s\n", path.c_str());
    std::exit(1);
  }
  return path;
}

/* The guest: computes for ever in 10 ms chunks (a daemon, so the simulation ends with the migration). */
static void guest()
{
  const double chunk = opt.host_gflops * 1e9 * 0.010; // 10 ms of the host's speed
  for (;;)
    sg4::this_actor::execute(chunk);
}

/* The first migration is the one reported; with --count N, N - 1 more follow, back and forth. */
static void migrator(sg4::VirtualMachine* vm, sg4::Host* src, sg4::Host* dst)
{
  for (int i = 0; i < opt.count; i++) {
    sg4::this_actor::sleep_for(opt.start_s);
    double start = sg4::Engine::get_clock();
    sg_vm_migrate(vm, i % 2 == 0 ? dst : src);
    if (i == 0) {
      mig_start = start;
      mig_end   = sg4::Engine::get_clock();
    }
    migrations_done++;
  }
}

/* The plugin names its data messages' mailbox "__mbox_mig_src_dst:<vm>(<src>-<dst>)". */
static bool is_migration_data(const sg4::Comm& c)
{
  const sg4::Mailbox* mb = c.get_mailbox();
  return mb != nullptr && mb->get_name().rfind("__mbox_mig_src_dst:", 0) == 0;
}

int main(int argc, char** argv)
{
  const auto wall_start = std::chrono::steady_clock::now();
  sg4::Engine e(&argc, argv);
  parse(argc, argv);
  std::string platform = write_platform();
  e.load_platform(platform);
  if (opt.platform.empty())
    std::remove(platform.c_str());

  sg_vm_live_migration_plugin_init();

  sg4::Comm::on_send_cb([](sg4::Comm const& c) {
    if (!is_migration_data(c) || migrations_done > 0)
      return;
    open_comms[&c] = rounds.size();
    rounds.push_back({0, c.get_remaining(), sg4::Engine::get_clock()});
  });
  sg4::Activity::on_completion_cb([](sg4::Activity const& a) {
    auto it = open_comms.find(&a);
    if (it == open_comms.end())
      return;
    rounds[it->second].end = sg4::Engine::get_clock();
    open_comms.erase(it);
  });

  sg4::Host* src = e.host_by_name("src");
  sg4::Host* dst = e.host_by_name("dst");
  sg4::VirtualMachine* vm =
      sg_vm_create_migratable(src, "vm", 1, opt.ram_mib, opt.mig_speed_mibps, opt.intensity_pct);
  sg_vm_set_working_set_memory(vm, static_cast<sg_size_t>(vm->get_ramsize() * opt.working_set_pct / 100.0));
  vm->start();
  if (opt.intensity_pct > 0)
    sg4::Actor::create("guest", vm, guest)->daemonize();
  sg4::Actor::create("migrator", src, migrator, vm, src, dst);

  e.run();
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  const double cpu_s  = static_cast<double>(std::clock()) / CLOCKS_PER_SEC;

  if (mig_end < 0) {
    std::fprintf(stderr, "the migration did not finish\n");
    return 1;
  }
  double sent = 0;
  for (auto const& r : rounds)
    sent += r.bytes;
  const double MiB = 1024.0 * 1024.0;
  std::printf("{\"peer\":\"simgrid\",\"version\":\"%d.%d.%d\",", SIMGRID_VERSION_MAJOR, SIMGRID_VERSION_MINOR,
              SIMGRID_VERSION_PATCH);
  std::printf("\"input\":{\"ramMiB\":%d,\"intensityPct\":%d,\"migSpeedMiBps\":%d,\"bandwidthMbps\":%g,"
              "\"latencyUs\":%g,\"workingSetPct\":%g,\"hostGflops\":%g,\"dirtyBytesPerS\":%.6f,"
              "\"workingSetBytes\":%llu},",
              opt.ram_mib, opt.intensity_pct, opt.mig_speed_mibps, opt.bandwidth_mbps, opt.latency_us,
              opt.working_set_pct, opt.host_gflops,
              sg_vm_get_migration_speed(vm) * sg_vm_get_dirty_page_intensity(vm),
              static_cast<unsigned long long>(sg_vm_get_working_set_memory(vm)));
  std::printf("\"startS\":%.9f,\"endS\":%.9f,\"totalTimeS\":%.9f,\"sentMiB\":%.6f,\"sentFactor\":%.6f,\"rounds\":%zu,",
              mig_start, mig_end, mig_end - mig_start, sent / MiB, sent / vm->get_ramsize(), rounds.size());
  std::printf("\"lastRoundKiB\":%.3f,\"series\":[", rounds.empty() ? 0.0 : rounds.back().bytes / 1024.0);
  for (size_t i = 0; i < rounds.size(); i++)
    std::printf("%s{\"round\":%zu,\"MiB\":%.6f,\"startS\":%.9f,\"durationS\":%.9f}", i ? "," : "", i + 1,
                rounds[i].bytes / MiB, rounds[i].start, rounds[i].end - rounds[i].start);
  std::printf("],\"count\":%d,\"wallS\":%.9f,\"cpuS\":%.9f}\n", migrations_done, wall_s, cpu_s);
  return 0;
}
