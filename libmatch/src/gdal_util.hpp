#pragma once
// Former name of io.hpp, kept while road_network_read.cpp still includes it.
#include "io.hpp"
