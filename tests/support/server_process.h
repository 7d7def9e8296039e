#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace hafnium::testing {

// Runs the real `hafnium` binary as a child process: `hafnium serve
// --listen 127.0.0.1:0 --data-dir <tmp>` plus extra arguments (which may
// give their own --listen, on 127.0.0.1), and reads
// its stdout until it announces the bound port (and, on first start, the
// bootstrap admin key). stderr (JSON logs) goes to <data-dir>/serve.log.
class ServerProcess {
 public:
  ServerProcess(std::vector<std::string> extra_args = {},
                std::vector<std::string> environment = {},
                std::filesystem::path data_dir = {});
  ~ServerProcess();

  uint16_t port() const { return port_; }
  const std::string& admin_key() const { return admin_key_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }
  std::string logs() const;
  pid_t pid() const { return pid_; }

  // Sends `signal` and waits for exit; returns the exit status (or 128+sig).
  int stop(int signal = 15);

 private:
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  std::string admin_key_;
  std::filesystem::path data_dir_;
  bool owns_dir_ = false;
};

// Runs `hafnium <args>` to completion; returns exit code, stdout and stderr.
struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
CommandResult run_hafnium(const std::vector<std::string>& args,
                          const std::vector<std::string>& environment = {});

std::string hafnium_binary();

}  // namespace hafnium::testing
