/* nrt-stick-layout.h: the 2-D stick figure of a cell, as pure data and a pure cairo renderer.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The layout is computed from the model's data alone (no GTK), and the renderer draws it on
 * any cairo context, so the same code serves the widget, PNG/SVG/PDF export and the tests.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "nrt-model.h"

G_BEGIN_DECLS

/* One point of a stick, in µm, with y pointing up as in NEURON's Shape. */
typedef struct {
  double x, y;
  double d;  /* diameter, µm */
} NrtStickPoint;

typedef struct {
  int     section;  /* index into the model's sections */
  char   *name;
  GArray *points;   /* of NrtStickPoint, at least 2 */
} NrtStick;

/* Where a point process (IClamp, a synapse) sits on the figure. */
typedef struct {
  double x, y;   /* µm */
  char  *name;   /* NEURON's name: "IClamp[0]" */
} NrtStickMarker;

typedef struct {
  GPtrArray *sticks;                  /* of NrtStick*, parents before children */
  GArray    *markers;                 /* of NrtStickMarker */
  double     xmin, xmax, ymin, ymax;  /* bounding box of every point, µm */
} NrtStickLayout;

/* (transfer full) Lays the cell out: sections with 3-D points use their x and y; the others
 * follow NEURON's stick layout (root along +x, a child continues from its attachment point,
 * siblings fan out).  Never NULL; a model with no sections gives an empty layout. */
NrtStickLayout *nrt_stick_layout_new (const NrtModelData *data);
void            nrt_stick_layout_free (NrtStickLayout *layout);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NrtStickLayout, nrt_stick_layout_free)

typedef struct {
  double stroke[4];  /* RGBA of the sticks */
  double label[4];   /* RGBA of section names and the scale bar */
  double marker[4];  /* RGBA of point-process markers */
  const char *font;  /* Pango font description, e.g. "Sans 9"; NULL for the default */
  gboolean show_labels;
} NrtStickStyle;

/* Draws the layout fitted into width × height (device units) with a margin for labels.
 * Draws nothing when the layout is empty. */
void nrt_stick_render (cairo_t              *cr,
                       int                   width,
                       int                   height,
                       const NrtStickLayout *layout,
                       const NrtStickStyle  *style);

/* Line width in device units for a diameter in µm: grows with log(diam), so thick somata stay
 * readable beside thin dendrites. */
double nrt_stick_line_width (double diam);
/* 1, 2 or 5 times a power of ten, the largest not above x: scale-bar lengths. */
double nrt_nice_length (double x);

G_END_DECLS
