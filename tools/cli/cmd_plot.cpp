// `ember plot`: a run directory's metrics.jsonl -> curves.svg (loss and accuracy panels).
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "ember/train/plot.h"

namespace ember::cli {

void add_plot_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("plot", "Draw a run's loss and accuracy curves as SVG");
  auto run_dir = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  cmd->add_option("run_dir", *run_dir, "a directory written by `ember train`")->required();
  cmd->add_option("--out", *out, "the SVG file to write (default: <run_dir>/curves.svg)");
  cmd->callback(
      [run_dir, out] { std::cout << "wrote " << train::plot_run(*run_dir, *out) << "\n"; });
}

}  // namespace ember::cli
