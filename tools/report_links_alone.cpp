// `sealpost report` linked with nothing but the report, configuration and argument
// libraries (tools/CMakeLists.txt): this program exists so that the build fails when
// tools/cmd_report.cpp comes to need Asio, Botan or c-ares. Runs the command as given.
#include "tools/commands.h"

int main(int argc, char** argv) {
  const sealpost::cli::Context ctx{.etc = "etc"};
  return sealpost::cli::cmd_report(ctx, std::vector<std::string>(argv + 1, argv + argc));
}
