// Training curves as a standalone SVG: `ember plot <run dir>` -> <run dir>/curves.svg.
//
// Two panels side by side, loss and accuracy against the optimizer step: the per-step
// training records as a thin line, the per-epoch train and test records as lines with
// markers (circles and squares), each panel with a frame, grid, tick labels, axis titles,
// and one legend for both. Plain SVG 1.1 with no script, fonts or external references, so
// any browser or rsvg-convert renders it. Non-finite values (a diverged loss) are skipped.
#pragma once

#include <string>
#include <vector>

#include "ember/train/metrics.h"

namespace ember::train {

/// The SVG document for `records` (see metrics.h), titled `title`. ValueError when there are
/// no records.
std::string render_curves_svg(const std::vector<MetricRecord>& records, const std::string& title);

/// Reads <run_dir>/metrics.jsonl and writes the SVG atomically to `out` (default:
/// <run_dir>/curves.svg). Returns the path written. IoError naming the file that is
/// missing or malformed; ValueError when it holds no records.
std::string plot_run(const std::string& run_dir, const std::string& out = "");

}  // namespace ember::train
