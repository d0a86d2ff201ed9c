/* nrt-number-entry.h: a labelled numeric field with units, validation, stepping and reset.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * NrtNumberEntry is what every numeric field of Neurite uses:
 *
 *   Tstop (ms)  [   5      ] ⟲
 *
 * - the label carries the units ("Tstop (ms)"); it may be NULL for a bare field;
 * - the text is parsed locale-independently ("0.025"; a lone ',' is taken as the decimal
 *   point); NaN, Inf, garbage and values outside [minimum, maximum] are refused visibly:
 *   the field gets the .error style class and a tooltip with the reason, and nothing is
 *   committed, so the model is unchanged;
 * - Up/Down (Page Up/Down: ×10) and the scroll wheel step the value by :step, clamped to
 *   the domain, and commit it;
 * - a reset button, shown when the value differs from :default-value, commits the default;
 * - Enter and focus-out commit: ::value-committed (double value) is emitted.  The owner
 *   handles it by calling the model API; when the model refuses, it calls
 *   nrt_number_entry_reject() with the GError message, which reverts the text and shows the
 *   reason.  When the owner does neither, the committed value becomes the field's value.
 *
 * nrt_number_entry_set_value() changes the value shown without emitting anything (the owner
 * calls it when the model changes).  CSS name: numberentry; the text field has .numeric.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define NRT_TYPE_NUMBER_ENTRY (nrt_number_entry_get_type ())
G_DECLARE_FINAL_TYPE (NrtNumberEntry, nrt_number_entry, NRT, NUMBER_ENTRY, GtkWidget)

/* label may be NULL.  The domain starts as (-∞, ∞), the step as 1. */
GtkWidget  *nrt_number_entry_new           (const char     *label,
                                            double          value,
                                            double          default_value);

void        nrt_number_entry_set_label     (NrtNumberEntry *self,
                                            const char     *label);
const char *nrt_number_entry_get_label     (NrtNumberEntry *self);

double      nrt_number_entry_get_value     (NrtNumberEntry *self);
/* Shows value; emits nothing.  Clears an error shown by reject or by bad input. */
void        nrt_number_entry_set_value     (NrtNumberEntry *self,
                                            double          value);

double      nrt_number_entry_get_default   (NrtNumberEntry *self);
void        nrt_number_entry_set_default   (NrtNumberEntry *self,
                                            double          default_value);

/* Inclusive domain; use -INFINITY / INFINITY for none.  exclusive_minimum makes the lower
 * bound exclusive (dt > 0, L > 0). */
void        nrt_number_entry_set_range     (NrtNumberEntry *self,
                                            double          minimum,
                                            double          maximum,
                                            gboolean        exclusive_minimum);
void        nrt_number_entry_set_step      (NrtNumberEntry *self,
                                            double          step);
/* Read-only fields (RunControl's t and Real Time) show a live value: no reset button, no
 * stepping, no commits. */
void        nrt_number_entry_set_editable  (NrtNumberEntry *self,
                                            gboolean        editable);
/* Significant digits shown (default 10; trailing zeros are dropped). */
void        nrt_number_entry_set_digits    (NrtNumberEntry *self,
                                            guint           digits);
/* Width of the text field in characters (default 8). */
void        nrt_number_entry_set_width_chars (NrtNumberEntry *self,
                                              int             n_chars);

/* Reverts the text to the field's value and shows message (the model's GError) as the
 * reason, with the error style, until the next edit. */
void        nrt_number_entry_reject        (NrtNumberEntry *self,
                                            const char     *message);
/* The reason shown for the last refused input, or NULL when the field is fine. */
const char *nrt_number_entry_get_error     (NrtNumberEntry *self);

/* (transfer none) The text field, for tests and accessibility relations. */
GtkEditable *nrt_number_entry_get_editable (NrtNumberEntry *self);

/* Parses text as the field does: locale-independent, finite.  For tests and for owners
 * that read numbers from elsewhere. */
gboolean    nrt_number_parse               (const char     *text,
                                            double         *value);

/* As the field does on Enter: parse, validate, commit (for tests). Returns whether the text
 * was valid. */
gboolean    nrt_number_entry_commit_text   (NrtNumberEntry *self,
                                            const char     *text);

G_END_DECLS
