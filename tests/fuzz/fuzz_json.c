/*
** fuzz_json.c - libFuzzer target for the JSON decoder
** (sources/decode_json.c); see fuzz_common.h. Byte 0: bit 0 a small
** max_line_bytes, bits 1-3 how many columns; byte 1: piece size.
*/
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 2)
        return 0;
    static const char *names[] = {"a", "b", "c", "o", "o.x", "o.y.z", "ts"};
    static const int types[] = {DS_BIGINT,  DS_DOUBLE, DS_TEXT,     DS_TEXT,
                                DS_BOOLEAN, DS_BIGINT, DS_TIMESTAMP};
    ds_decode_opts o;
    ds__decode_opts_init(&o);
    o.format = DS_FORMAT_JSON;
    if (data[0] & 1)
        o.max_line = 32;
    int ncols = 1 + (data[0] >> 1) % 7;
    fuzz_decode(&o, ncols, names, types, data + 2, size - 2, 1 + data[1] % 32);
    return 0;
}
