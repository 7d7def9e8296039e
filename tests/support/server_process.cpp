#include "support/server_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "support/test_databases.h"

namespace hafnium::testing {

std::string hafnium_binary() { return HAFNIUM_BINARY; }

namespace {
std::vector<char*> to_argv(std::vector<std::string>& args) {
  std::vector<char*> out;
  for (auto& a : args) out.push_back(a.data());
  out.push_back(nullptr);
  return out;
}

// The child's environment, built before fork: after fork in a threaded
// process only async-signal-safe calls are allowed, so no setenv there.
std::vector<std::string> merged_environment(const std::vector<std::string>& overrides) {
  std::vector<std::string> out;
  for (char** e = environ; *e; ++e) {
    std::string entry(*e);
    std::string name = entry.substr(0, entry.find('='));
    bool overridden = false;
    for (const auto& o : overrides) {
      if (o.substr(0, o.find('=')) == name) overridden = true;
    }
    if (!overridden) out.push_back(entry);
  }
  out.insert(out.end(), overrides.begin(), overrides.end());
  return out;
}
}  // namespace

ServerProcess::ServerProcess(std::vector<std::string> extra_args,
                             std::vector<std::string> environment, std::filesystem::path data_dir) {
  if (data_dir.empty()) {
    data_dir_ = make_temp_dir("serve");
    owns_dir_ = true;
  } else {
    data_dir_ = data_dir;
  }
  std::vector<std::string> args = {hafnium_binary(), "serve", "--data-dir", data_dir_.string()};
  if (std::find(extra_args.begin(), extra_args.end(), "--listen") == extra_args.end()) {
    args.insert(args.end(), {"--listen", "127.0.0.1:0"});
  }
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  int out_pipe[2];
  if (pipe(out_pipe) != 0) throw std::runtime_error("pipe failed");
  std::string log_path = (data_dir_ / "serve.log").string();
  // Servers in tests start without the bundled watchlists unless a test
  // asks for them: loading 28,000 entities per start would dominate the run.
  std::vector<std::string> with_defaults = environment;
  bool chosen = std::any_of(environment.begin(), environment.end(),
                            [](const std::string& e) { return e.starts_with("HAFNIUM_BUNDLED_LISTS="); });
  if (!chosen) with_defaults.push_back("HAFNIUM_BUNDLED_LISTS=false");
  auto env = merged_environment(with_defaults);
  auto envp = to_argv(env);
  auto argv = to_argv(args);
  pid_ = fork();
  if (pid_ == 0) {
    dup2(out_pipe[1], STDOUT_FILENO);
    int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    dup2(log, STDERR_FILENO);
    close(out_pipe[0]);
    close(out_pipe[1]);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  close(out_pipe[1]);
  std::string output;
  std::regex listening(R"(listening on http://127\.0\.0\.1:(\d+))");
  std::regex key(R"((hfk_[A-Za-z0-9_-]{32}))");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::smatch match;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd pfd{out_pipe[0], POLLIN, 0};
    if (poll(&pfd, 1, 200) > 0) {
      char buffer[4096];
      ssize_t n = read(out_pipe[0], buffer, sizeof buffer);
      if (n <= 0) break;
      output.append(buffer, static_cast<size_t>(n));
      if (std::regex_search(output, match, listening)) {
        port_ = static_cast<uint16_t>(std::stoi(match[1]));
        break;
      }
    }
  }
  close(out_pipe[0]);
  if (std::regex_search(output, match, key)) admin_key_ = match[1];
  if (port_ == 0) {
    stop(SIGKILL);
    throw std::runtime_error("hafnium serve did not start; stdout: " + output + "\nlog: " + logs());
  }
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) stop(SIGKILL);
  if (owns_dir_) {
    std::error_code ignored;
    std::filesystem::remove_all(data_dir_, ignored);
  }
}

std::string ServerProcess::logs() const {
  std::ifstream in(data_dir_ / "serve.log");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

int ServerProcess::stop(int signal) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

CommandResult run_hafnium(const std::vector<std::string>& arguments,
                          const std::vector<std::string>& environment) {
  std::vector<std::string> args = {hafnium_binary()};
  args.insert(args.end(), arguments.begin(), arguments.end());
  int out_pipe[2], err_pipe[2];
  if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) throw std::runtime_error("pipe failed");
  auto env = merged_environment(environment);
  auto envp = to_argv(env);
  auto argv = to_argv(args);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(err_pipe[1], STDERR_FILENO);
    close(out_pipe[0]);
    close(err_pipe[0]);
    close(out_pipe[1]);
    close(err_pipe[1]);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  CommandResult result;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  while (open_fds > 0) {
    if (poll(fds, 2, 60000) <= 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd >= 0 && (fds[i].revents & (POLLIN | POLLHUP))) {
        char buffer[4096];
        ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
        if (n <= 0) {
          close(fds[i].fd);
          fds[i].fd = -1;
          --open_fds;
        } else {
          (i == 0 ? result.out : result.err).append(buffer, static_cast<size_t>(n));
        }
      }
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace hafnium::testing
