// ember: the command-line tool. Errors print "error: <message>"; exit code 1 for failures,
// 2 for usage errors.
#include <iostream>

#include "cli/commands.h"
#include "ember/core/error.h"

int main(int argc, char** argv) {
  CLI::App app{"ember: a deep-learning framework in C++20"};
  app.require_subcommand(1);
  ember::cli::add_info_command(app);
  ember::cli::add_train_command(app);
  ember::cli::add_eval_command(app);
  ember::cli::add_plot_command(app);
  ember::cli::add_inspect_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  } catch (const ember::ValueError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
