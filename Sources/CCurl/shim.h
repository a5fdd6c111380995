// Typed wrappers over libcurl's variadic functions, which Swift cannot call directly.
// No logic lives here: each function forwards one argument of one C type.
#ifndef TICKLER_CCURL_SHIM_H
#define TICKLER_CCURL_SHIM_H

#include <curl/curl.h>

static inline CURLcode tickler_curl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode tickler_curl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode tickler_curl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode tickler_curl_easy_setopt_bytes(CURL *handle, CURLoption option, const void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode tickler_curl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode tickler_curl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode tickler_curl_easy_setopt_write_callback(CURL *handle, CURLoption option,
                                                             curl_write_callback value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode tickler_curl_easy_setopt_debug_callback(CURL *handle, CURLoption option,
                                                             curl_debug_callback value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode tickler_curl_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode tickler_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode tickler_curl_easy_getinfo_socket(CURL *handle, CURLINFO info, curl_socket_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

/// curl_version_info(CURLVERSION_NOW): the macro is not imported into Swift.
static inline curl_version_info_data *tickler_curl_version_info(void) {
    return curl_version_info(CURLVERSION_NOW);
}

#endif
