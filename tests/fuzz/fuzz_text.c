/*
** fuzz_text.c - libFuzzer target for the TEXT decoder and the record
** splitting of sources/decode.c; see fuzz_common.h. Byte 0: bit 0 a small
** max_line_bytes; byte 1: piece size.
*/
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 2)
        return 0;
    static const char *names[] = {"line"};
    static const int types[] = {DS_TEXT};
    ds_decode_opts o;
    ds__decode_opts_init(&o);
    if (data[0] & 1)
        o.max_line = 8;
    fuzz_decode(&o, 1, names, types, data + 2, size - 2, 1 + data[1] % 32);
    return 0;
}
