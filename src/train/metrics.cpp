// The JSON Lines metrics log: writing, reading, trimming for resume.
#include "ember/train/metrics.h"

#include <cmath>
#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>

#include "ember/core/error.h"
#include "ember/io/safetensors.h"

namespace ember::train {

using json = nlohmann::json;

namespace {

MetricRecord from_json(const json& j) {
  MetricRecord r;
  r.kind = j.at("kind").get<std::string>();
  r.split = j.at("split").get<std::string>();
  r.step = j.at("step").get<int64_t>();
  r.epoch = j.at("epoch").get<int64_t>();
  r.loss = j.at("loss").get<double>();
  r.accuracy = j.at("accuracy").get<double>();
  r.lr = j.value("lr", 0.0);
  r.samples_per_s = j.value("samples_per_s", 0.0);
  r.elapsed_s = j.value("elapsed_s", 0.0);
  return r;
}

// The lines of a file, and whether the last one ended with a newline.
std::vector<std::string> read_lines(const std::string& path, bool& last_complete) {
  std::vector<uint8_t> bytes = io::read_file(path);
  std::string text(bytes.begin(), bytes.end());
  last_complete = text.empty() || text.back() == '\n';
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

std::string to_json_line(const MetricRecord& r) {
  // JSON has no NaN or infinity: a diverged loss is written as null.
  auto number = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
  json j = {{"kind", r.kind},
            {"split", r.split},
            {"step", r.step},
            {"epoch", r.epoch},
            {"loss", number(r.loss)},
            {"accuracy", number(r.accuracy)},
            {"lr", number(r.lr)},
            {"samples_per_s", number(r.samples_per_s)},
            {"elapsed_s", number(r.elapsed_s)}};
  return j.dump();
}

MetricsWriter::MetricsWriter(const std::string& path)
    : path_(path), out_(path, std::ios::out | std::ios::app) {
  EMBER_CHECK_IO(out_.is_open(), "metrics: cannot open ", path, " for writing");
}

void MetricsWriter::write(const MetricRecord& record) {
  out_ << to_json_line(record) << '\n';
  out_.flush();
  EMBER_CHECK_IO(out_.good(), "metrics: writing ", path_, " failed");
}

std::vector<MetricRecord> read_metrics(const std::string& path) {
  bool last_complete = true;
  std::vector<std::string> lines = read_lines(path, last_complete);
  std::vector<MetricRecord> records;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    json j = json::parse(lines[i], nullptr, /*allow_exceptions=*/false);
    bool unfinished = i + 1 == lines.size() && !last_complete;
    if (j.is_discarded() && unfinished) break;
    EMBER_CHECK_IO(!j.is_discarded() && j.is_object(), path, ":", i + 1, ": not a JSON object");
    // A null number is a non-finite value (see to_json_line).
    for (const char* key : {"loss", "accuracy", "lr", "samples_per_s", "elapsed_s"}) {
      if (j.contains(key) && j[key].is_null()) j[key] = std::nan("");
    }
    try {
      records.push_back(from_json(j));
    } catch (const json::exception& e) {
      EMBER_THROW(IoError, path, ":", i + 1, ": not a metrics record (", e.what(), ")");
    }
  }
  return records;
}

void truncate_metrics_after(const std::string& path, int64_t epoch) {
  if (!std::filesystem::exists(path)) return;
  std::string kept;
  for (const MetricRecord& r : read_metrics(path)) {
    if (r.epoch <= epoch) kept += to_json_line(r) + "\n";
  }
  io::write_file_atomic(path, kept.data(), kept.size());
}

}  // namespace ember::train
