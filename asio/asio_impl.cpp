// Boost.Asio's separately compiled implementation (see asio.h).
#include <utility>

#include <boost/asio/impl/src.hpp>
