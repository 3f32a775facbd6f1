// Writing the profiler's events to a Chrome trace file.
//
// It lives in io rather than next to the profiler because core writes no files; the JSON
// itself comes from profiler::chrome_trace_json() (ember/core/profiler.h).
#pragma once

#include <string>

namespace ember::profiler {

/// Writes chrome_trace_json() to path atomically (temp file, fsync, rename): open it in
/// https://ui.perfetto.dev or chrome://tracing. IoError naming the path when it cannot.
void export_chrome_trace(const std::string& path);

}  // namespace ember::profiler
