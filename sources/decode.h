/*
** decode.h - input decoders: a record of text in the stream's FORMAT
** becomes one typed row appended to a batch.
**
** TEXT (decode.c): the line is the single TEXT column. CSV (decode_csv.c):
** RFC 4180 fields, with the options delimiter, header (the first record of
** each input is skipped) and null (the text that means NULL; default: an
** empty unquoted field); a quoted field may hold delimiters, "" for a
** quote, and line breaks. JSON (decode_json.c): one object per line,
** fields matched to columns by name, "a.b" names field b of object a.
**
** A record that cannot be decoded is a bad row: nothing is appended for
** it, and the reason says why ("column temp: 'abc' is not a DOUBLE").
** Text must be valid UTF-8 in every format. Blank records (CSV: empty;
** JSON: only blanks) are skipped: neither rows nor bad rows. A UTF-8 byte
** order mark at the start of an input is dropped.
**
** Rows are written straight into the batch's vectors; text is copied into
** the batch's arena. Used by the sources (source.h), which own a decoder
** each, and by the engine, which builds the options (ds__decode_opts_set).
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
    char delimiter;       /* CSV; default ',' */
    int header;           /* CSV: skip the first record of each input */
    const char *null_str; /* borrowed; CSV: this text is NULL; NULL: an
                             empty unquoted field is NULL */
    size_t max_line;      /* longest record accepted; default 1 MiB */
} ds_decode_opts;

void ds__decode_opts_init(ds_decode_opts *o);

/*
** Applies one WITH option of a stream (key case-insensitive, value as
** text) to o: delimiter (one character; "\t" or "tab" for a tab), header
** (true/false), null (any text; o borrows value until ds__decoder_new),
** max_line_bytes (a positive integer). Returns DS_OK; DS_ERROR with the
** reason in errmsg for a bad value; DS_NOTFOUND when key is not a decoder
** option (errmsg untouched), so the caller can try its own options.
*/
int ds__decode_opts_set(ds_decode_opts *o, const char *key, const char *value,
                        char *errmsg, size_t errlen);

typedef struct ds_decoder ds_decoder;

/*
** A decoder for rows of the given columns (names and types are copied, as
** is o->null_str); NULL with errmsg set when the format does not fit the
** columns (TEXT needs one TEXT column) or an option does not fit the
** format (header, delimiter and null are CSV options).
*/
ds_decoder *ds__decoder_new(const ds_decode_opts *o, int ncols,
                            const char *const *names, const int *types,
                            char *errmsg, size_t errlen);
void ds__decoder_free(ds_decoder *d);
/* A new input begins (a new file or connection): the header is expected
   again, and a too long record being dropped has ended. */
void ds__decoder_reset(ds_decoder *d);

/* Called for every bad record that ds__decode_buffer/_text meet: the
   record (borrowed, without its line end; the start of it when it is too
   long) and the reason. */
typedef void (*ds_bad_row_fn)(void *user, const char *rec, size_t n,
                              const char *why);
void ds__decoder_on_bad(ds_decoder *d, ds_bad_row_fn fn, void *user);

/*
** Decodes one whole record (without its line terminator; for CSV it may
** hold line breaks inside quoted fields) and appends the row to out,
** copying text into out's arena. Returns DS_OK, DS_NOMEM, DS_ERROR for a
** bad record with the reason in why, or DS_DECODE_SKIPPED for a header or
** a blank record.
*/
int ds__decode_line(ds_decoder *d, const char *line, size_t n, ds_batch *out,
                    char *why, size_t whylen);
#define DS_DECODE_SKIPPED 100

/*
** Decodes the complete records at the start of text[0 .. len) into out, for
** sources that read their input piece by piece. Records end with "\n" or
** "\r\n" (for CSV only outside quotes); with eof the last record needs no
** line end. Stops after max_rows rows have been appended (0: no limit).
** Sets *used to the bytes consumed: the caller keeps text[*used .. len)
** and passes it again, followed by more input. A record longer than
** max_line is a bad row even before its end has arrived (the rest of it is
** then dropped as it comes). Bad records are counted in *bad and in
** out->bad_rows and given to the on_bad function. Returns DS_OK or
** DS_NOMEM (the rows before stay in out; *used says how far it got).
*/
int ds__decode_buffer(ds_decoder *d, const char *text, size_t len, int eof,
                      int64_t max_rows, ds_batch *out, int64_t *bad,
                      size_t *used);

/*
** Decodes all of text as one whole input (ds__decode_buffer with eof and
** no row limit). Bad records are counted in *bad. Returns DS_OK or
** DS_NOMEM.
*/
int ds__decode_text(ds_decoder *d, const char *text, size_t len, ds_batch *out,
                    int64_t *bad);

/* --------------------------------------- shared by decode*.c, not API */

typedef struct ds_json_path ds_json_path;
typedef struct ds_json_col ds_json_col;

struct ds_decoder {
    ds_decode_opts o; /* o.null_str points at null_copy */
    int ncols;
    int *types;      /* owned */
    char **names;    /* owned */
    char *null_copy; /* owned; NULL without the null option */
    size_t null_len;
    int at_start; /* no record of the current input seen yet */
    int skipping; /* dropping the rest of a record that is too long */
    ds_bad_row_fn on_bad;
    void *on_bad_user;
    ds_json_path *paths; /* owned; JSON: the tree of column names */
    int npaths;
    ds_json_col *jcols; /* owned; JSON: per column state of a record */
};

/* The format parts: decode record s[0 .. n) (valid UTF-8, not blank) into
   row c->n of c without counting it. DS_OK, DS_ERROR (why), DS_NOMEM. */
int ds__csv_decode(ds_decoder *d, const char *s, size_t n, ds_chunk *c,
                   ds_arena *arena, char *why, size_t whylen);
int ds__json_decode(ds_decoder *d, const char *s, size_t n, ds_chunk *c,
                    ds_arena *arena, char *why, size_t whylen);
/* Builds d->paths and d->jcols from the column names; DS_OK or DS_NOMEM. */
int ds__json_init(ds_decoder *d);

/*
** Conversions both formats share. Each returns 1 on success, 0 when the
** text is not of the type, -1 when it is but out of range.
** ds__decode_double: strict like ds__parse_double, fast for plain
** decimals, infinities out of range. ds__decode_epoch: a plain number of
** seconds since the epoch ("1700000000", "-1.25", "1.7e9") to
** microseconds. ds__decode_timestamp: ISO-8601 or epoch seconds.
*/
int ds__decode_int64(const char *s, size_t n, int64_t *out);
int ds__decode_double(const char *s, size_t n, double *out);
int ds__decode_epoch(const char *s, size_t n, int64_t *us);
int ds__decode_timestamp(const char *s, size_t n, int64_t *us);

/* Writes the reason "column <name>: <v> is not a <TYPE>" (or "is out of
   range for <TYPE>" when range) with v shortened and, when quote, in
   quotes. */
void ds__decode_why_value(char *why, size_t whylen, const char *col, int type,
                          const char *v, size_t n, int quote, int range);

#endif
