/*
** fuzz_csv.c - libFuzzer target for the CSV decoder (sources/decode_csv.c
** and the record splitting of decode.c); see fuzz_common.h.
** Byte 0: bit 0 header, bit 1 null = "NA", bits 2-4 the delimiter, bits
** 5-7 how many columns; byte 1: bit 0 a small max_line_bytes, the rest
** the piece size.
*/
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 2)
        return 0;
    static const char *names[] = {"i", "d", "t", "b", "ts", "t2"};
    static const int types[] = {DS_BIGINT,  DS_DOUBLE,    DS_TEXT,
                                DS_BOOLEAN, DS_TIMESTAMP, DS_TEXT};
    static const char delims[] = {',', ';', '\t', '|', '.', '-', '0', ' '};
    ds_decode_opts o;
    ds__decode_opts_init(&o);
    o.format = DS_FORMAT_CSV;
    o.header = data[0] & 1;
    o.null_str = data[0] & 2 ? "NA" : NULL;
    o.delimiter = delims[(data[0] >> 2) & 7];
    if (data[1] & 1)
        o.max_line = 24;
    int ncols = 1 + (data[0] >> 5) % 6;
    fuzz_decode(&o, ncols, names, types, data + 2, size - 2,
                1 + (data[1] >> 1) % 32);
    return 0;
}
