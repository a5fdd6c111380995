// libcurl for Swift: typed wrappers over its variadic functions (which Swift cannot call), and the
// library itself opened with dlopen on first use rather than linked. Linking libcurl.so.4 loads it
// and the thirty libraries it needs (OpenSSL, Kerberos, LDAP, SSH, …) into every process, about
// 7 ms before `main`; only `check` and `run` (which check at once that it loads, when a channel
// needs it) and `send-test` open it. A package must still depend on it: Debian's `libcurl4`
// (`dpkg-shlibdeps` cannot see a library opened with dlopen; see README, "Packaging").
//
// Every function is libcurl's of the same name without `tickler_`, forwarded as it is. Until
// libcurl is loaded (the first call loads it), and if it cannot be, functions returning a code
// return CURLE_FAILED_INIT (or CURLUE_OUT_OF_MEMORY), those returning a pointer return NULL, and
// `tickler_curl_load_error` says why.
#ifndef TICKLER_CCURL_H
#define TICKLER_CCURL_H

#include <curl/curl.h>
#include <stddef.h>

/// The file name libcurl is opened by: its soname.
#define TICKLER_CURL_LIBRARY "libcurl.so.4"

/// The oldest libcurl whose options Tickler uses all exist (CURLOPT_PROTOCOLS_STR came in 7.85.0).
#define TICKLER_CURL_MINIMUM "7.85.0"
#define TICKLER_CURL_MINIMUM_NUM 0x075500

/// NULL once libcurl is loaded; otherwise why it could not be (dlopen's or dlsym's error, or a
/// version older than TICKLER_CURL_MINIMUM, and what to install). Loads it on the first call;
/// thread-safe.
const char *tickler_curl_load_error(void);

/// Opens `library`, looks up every function used and checks its version, without keeping them: 1
/// when it would do, else 0 with the reason in `error` (for tests of the message).
int tickler_curl_probe(const char *library, char *error, size_t size);

CURLcode tickler_curl_global_init(long flags);
CURL *tickler_curl_easy_init(void);
void tickler_curl_easy_cleanup(CURL *handle);
CURLcode tickler_curl_easy_perform(CURL *handle);
CURLcode tickler_curl_easy_send(CURL *handle, const void *buffer, size_t length, size_t *sent);
CURLcode tickler_curl_easy_recv(CURL *handle, void *buffer, size_t length, size_t *received);
const char *tickler_curl_easy_strerror(CURLcode code);
CURLHcode tickler_curl_easy_header(
    CURL *handle, const char *name, size_t index, unsigned int origin, int request, struct curl_header **header);
struct curl_slist *tickler_curl_slist_append(struct curl_slist *list, const char *value);
void tickler_curl_slist_free_all(struct curl_slist *list);
CURLU *tickler_curl_url(void);
void tickler_curl_url_cleanup(CURLU *url);
CURLUcode tickler_curl_url_set(CURLU *url, CURLUPart part, const char *content, unsigned int flags);
CURLUcode tickler_curl_url_get(CURLU *url, CURLUPart part, char **content, unsigned int flags);
const char *tickler_curl_url_strerror(CURLUcode code);
void tickler_curl_free(void *pointer);
/// curl_version_info(CURLVERSION_NOW): the macro is not imported into Swift.
curl_version_info_data *tickler_curl_version_info(void);

CURLcode tickler_curl_easy_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode tickler_curl_easy_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode tickler_curl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode tickler_curl_easy_setopt_bytes(CURL *handle, CURLoption option, const void *value);
CURLcode tickler_curl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);
CURLcode tickler_curl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
CURLcode tickler_curl_easy_setopt_write_callback(CURL *handle, CURLoption option, curl_write_callback value);
CURLcode tickler_curl_easy_setopt_debug_callback(CURL *handle, CURLoption option, curl_debug_callback value);
CURLcode tickler_curl_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value);
CURLcode tickler_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode tickler_curl_easy_getinfo_socket(CURL *handle, CURLINFO info, curl_socket_t *value);

#endif
