// The ember CLI's subcommands: each cmd_<name>.cpp adds one to the app.
#pragma once

#include <CLI/CLI.hpp>

namespace ember::cli {

void add_info_command(CLI::App& app);
void add_train_command(CLI::App& app);
void add_eval_command(CLI::App& app);
void add_plot_command(CLI::App& app);
void add_inspect_command(CLI::App& app);

}  // namespace ember::cli
