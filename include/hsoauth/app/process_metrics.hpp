#pragma once
// The process's share of GET /metrics, under Prometheus's standard names: CPU seconds, resident
// memory, open file descriptors and start time (from /proc/self, read at each scrape), and
// hsoauth_build_info with the version. Any thread.
#include "hsoauth/metrics/exposition.hpp"

namespace hsoauth::app {

// Notes the start time; call once, early.
void note_process_start();

void collect_process_metrics(metrics::exposition& out);

}  // namespace hsoauth::app
