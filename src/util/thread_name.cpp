#include "hsoauth/util/thread_name.hpp"

#include <pthread.h>

#include <algorithm>
#include <cstring>

namespace hsoauth::util {

void name_this_thread(std::string_view name) {
#if defined(__linux__)
    char text[max_thread_name + 1] = {};
    std::memcpy(text, name.data(), std::min(name.size(), max_thread_name));
    (void)pthread_setname_np(pthread_self(), text);  // fails only on a name too long: cut above
#else
    (void)name;
#endif
}

}  // namespace hsoauth::util
