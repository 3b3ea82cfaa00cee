/*
** decode.h - input decoders: a record of text (one line) in the stream's
** FORMAT becomes one typed row appended to a batch.
**
** TEXT: the line is the single TEXT column. CSV: RFC 4180 fields, with the
** options delimiter, header (the first record of each input is skipped) and
** null (the text that means NULL; default: an empty unquoted field). JSON:
** one object per line, fields matched to columns by name (decode_json.c).
** A record that cannot be decoded is rejected with the reason; nothing is
** appended for it.
*/
#ifndef DS_DECODE_H
#define DS_DECODE_H

#include "../runtime/chunk.h"

typedef enum ds_format {
    DS_FORMAT_TEXT = 1,
    DS_FORMAT_CSV,
    DS_FORMAT_JSON,
} ds_format;

typedef struct ds_decode_opts {
    ds_format format;
    char delimiter;      /* CSV; default ',' */
    int header;          /* CSV: skip the first record of each input */
    const char *null_str; /* CSV: this text is NULL; NULL: empty field */
    size_t max_line;     /* longest record accepted; default 1 MiB */
} ds_decode_opts;

void ds__decode_opts_init(ds_decode_opts *o);

typedef struct ds_decoder ds_decoder;

/* A decoder for rows of the given columns; NULL with errmsg set when the
   format does not fit the columns (TEXT needs one TEXT column). */
ds_decoder *ds__decoder_new(const ds_decode_opts *o, int ncols,
                            const char *const *names, const int *types,
                            char *errmsg, size_t errlen);
void ds__decoder_free(ds_decoder *d);
/* A new input begins (a new file or connection): the header is expected
   again. */
void ds__decoder_reset(ds_decoder *d);

/*
** Decodes one record (without its line terminator) and appends the row to
** out, copying text into out's arena. Returns DS_OK, DS_NOMEM, or DS_ERROR
** for a bad record, with the reason in why; 100 (DS_TIMEOUT reused as
** "skipped") for a header line.
*/
int ds__decode_line(ds_decoder *d, const char *line, size_t n, ds_batch *out,
                    char *why, size_t whylen);
#define DS_DECODE_SKIPPED 100

/*
** Decodes every complete line of text (len bytes; a last line without
** '\n' counts too; "\r\n" accepted) into out. Bad lines are counted in
** *bad. Returns DS_OK or DS_NOMEM.
*/
int ds__decode_text(ds_decoder *d, const char *text, size_t len,
                    ds_batch *out, int64_t *bad);

#endif
