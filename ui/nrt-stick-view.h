/* nrt-stick-view.h: a widget that draws the model's cell as a stick figure, live.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "nrt-model.h"

G_BEGIN_DECLS

#define NRT_TYPE_STICK_VIEW (nrt_stick_view_get_type ())
G_DECLARE_FINAL_TYPE (NrtStickView, nrt_stick_view, NRT, STICK_VIEW, GtkWidget)

GtkWidget *nrt_stick_view_new       (void);
/* (transfer none) (nullable) */
NrtModel  *nrt_stick_view_get_model (NrtStickView *self);
void       nrt_stick_view_set_model (NrtStickView *self,
                                     NrtModel     *model);

G_END_DECLS
