#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <utility>

namespace hafnium::store {

// Threads for blocking work (database calls, file I/O). An I/O coroutine
// awaits `run(...)`: the function runs on a pool thread and the coroutine
// resumes on its own I/O thread with the result or the exception.
class WorkerPool {
 public:
  explicit WorkerPool(size_t threads) : pool_(threads) {}
  ~WorkerPool() { stop(); }

  // Callers pass a named function object (an lvalue): GCC 12 mishandles
  // non-trivial temporaries inside co_await expressions.
  template <class T, class F>
  boost::asio::awaitable<T> run(const F& function) {
    return boost::asio::async_initiate<decltype(boost::asio::use_awaitable),
                                       void(std::exception_ptr, T)>(
        [this, f = function](auto handler) mutable {
          boost::asio::post(pool_, [f = std::move(f), handler = std::move(handler)]() mutable {
            std::exception_ptr error;
            T result{};
            try {
              result = f();
            } catch (...) {
              error = std::current_exception();
            }
            auto executor = boost::asio::get_associated_executor(handler);
            boost::asio::post(executor, [handler = std::move(handler), error,
                                         result = std::move(result)]() mutable {
              handler(error, std::move(result));
            });
          });
        },
        boost::asio::use_awaitable);
  }

  void stop() {
    pool_.join();
  }

 private:
  boost::asio::thread_pool pool_;
};

}  // namespace hafnium::store
