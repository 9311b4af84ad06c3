// The one way Sealpost includes Boost.Asio. Asio is compiled once, in asio_impl.cpp
// (BOOST_ASIO_SEPARATE_COMPILATION, set by the sealpost_asio target), because a translation
// unit that instantiates it costs seconds on 2 cores. <utility> first: g++ 12 needs it before
// Asio's coroutine headers with -std=c++20 (TEST-RIG.md).
#pragma once

#include <utility>

#include <boost/asio.hpp>
