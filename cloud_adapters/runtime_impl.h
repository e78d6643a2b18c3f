// Internal: the io_context and thread pools behind AdapterRuntime. Not a public header.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <thread>
#include <vector>

#include "cloud_adapters/provider.h"

namespace gw::cloud {

struct AdapterRuntime::Impl {
  explicit Impl(Options o);
  ~Impl();
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work;
  boost::asio::thread_pool blocking;
  std::vector<std::thread> threads;
};

}  // namespace gw::cloud
