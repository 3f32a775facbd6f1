// The Chrome trace file writer (see include/ember/io/chrome_trace.h).
#include "ember/io/chrome_trace.h"

#include "ember/core/profiler.h"
#include "ember/io/safetensors.h"

namespace ember::profiler {

void export_chrome_trace(const std::string& path) {
  std::string json = chrome_trace_json();
  io::write_file_atomic(path, json.data(), json.size());
}

}  // namespace ember::profiler
