/* nrt-shape-view.h: the cell drawn in 3-D (NEURON's Shape), with picking, markers and colours.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * NrtShapeView draws a model from its 3-D points, or from the stick layout
 * (nrt-stick-layout.h) for sections without points, either with true diameters (Show Diam:
 * every piece a trapezoid) or as centroid lines.  It is used by the Shape plot window, the
 * Point Process Manager and the CellBuilder.
 *
 * Interaction:
 *   - click: picks the nearest section(x), snapped to the node NEURON would use (the centre
 *     of the segment, or an end), and emits ::section-picked;
 *   - hover: a label with the section name and x; ::hovered;
 *   - drag a marker: moves it; ::marker-moved (the owner moves the point process);
 *   - in path mode (nrt_shape_view_set_pick_mode), a drag from one point to another emits
 *     ::path-selected with both ends;
 *   - Ctrl- or Alt-drag rotates in 3-D; keys x, y, z show the views along the axes and
 *     X/Y/Z (shifted) or the arrow keys rotate in 15° steps; the scroll wheel zooms around
 *     the pointer; middle- or Shift-drag pans; Home (and nrt_shape_view_fit) is View = plot.
 *
 * Colours: with a session and colouring on, every segment is coloured by the value of the
 * session's frame at its node (nrt_session_read_frame), mapped through the colour map on
 * [lo, hi]; non-finite values are grey.  The frame is polled from a tick callback and the
 * widget is redrawn only when a new frame has arrived.
 *
 * The drawing is a pure function (nrt_shape_render) on a geometry built from model data,
 * so the same code serves the widget, exports and tests.  CSS name: shapeview.
 */
#pragma once

#include <gtk/gtk.h>

#include "nrt-model.h"
#include "nrt-session.h"

G_BEGIN_DECLS

/* ---- geometry and the pure renderer ---------------------------------------------------- */

/* The cell as 3-D polylines, one per section, with the arc-length fraction of every point. */
typedef struct _NrtShapeGeometry NrtShapeGeometry;

/* (transfer full) Never NULL; an empty model gives an empty geometry. */
NrtShapeGeometry *nrt_shape_geometry_new (const NrtModelData *data);
void              nrt_shape_geometry_free (NrtShapeGeometry *geom);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NrtShapeGeometry, nrt_shape_geometry_free)

guint       nrt_shape_geometry_get_n_sections (const NrtShapeGeometry *geom);
const char *nrt_shape_geometry_get_section_name (const NrtShapeGeometry *geom, guint isec);
int         nrt_shape_geometry_get_nseg (const NrtShapeGeometry *geom, guint isec);
int         nrt_shape_geometry_find_section (const NrtShapeGeometry *geom, const char *name);
/* The 3-D point (µm) at fraction x of section isec.  FALSE on a bad index. */
gboolean    nrt_shape_geometry_point_at (const NrtShapeGeometry *geom, guint isec, double x,
                                         double p[3]);

/* How the cell is seen: a rotation (row-major 3×3, model → screen axes, screen y up), a
 * scale (pixels per µm) and the screen position of the model point `centre`. */
typedef struct {
  double rot[9];
  double scale;
  double centre[3];   /* µm, the model point drawn at the widget's centre + pan */
  double pan_x, pan_y;  /* pixels */
} NrtShapeCamera;

void nrt_shape_camera_init (NrtShapeCamera *cam);
/* View = plot: centre and scale so that the whole cell fits width × height with a margin. */
void nrt_shape_camera_fit (NrtShapeCamera *cam, const NrtShapeGeometry *geom,
                           int width, int height);
/* Model point (µm) → widget pixels (y down), and the reverse for points in the screen plane
 * through centre. */
void nrt_shape_camera_project (const NrtShapeCamera *cam, int width, int height,
                               const double p[3], double *wx, double *wy);
/* Rotates the view by angle (radians) about a screen axis: 0 = x (horizontal), 1 = y, 2 = z. */
void nrt_shape_camera_rotate (NrtShapeCamera *cam, int axis, double angle);
/* The axis views: 'z' is NEURON's default (x right, y up, looking along z), 'x' looks along
 * x (z right, y up), 'y' looks along y (x right, z up). */
void nrt_shape_camera_axis_view (NrtShapeCamera *cam, char axis);

/* A labelled marker on the cell (a point process). */
typedef struct {
  const char *label;
  const char *section;
  double      x;
  gboolean    selected;
} NrtShapeMarker;

/* A stretch of a section, [x0, x1], drawn in color over the cell (Space Plot path, Time
 * Plot locations). */
typedef struct {
  int     section;   /* index in the geometry */
  double  x0, x1;
  GdkRGBA color;
} NrtShapeHighlight;

typedef struct {
  gboolean       show_diam;
  GdkRGBA        fg;           /* the cell when uncoloured, labels */
  GdkRGBA        bg;           /* filled first unless fully transparent */
  GdkRGBA        marker;       /* markers */
  GdkRGBA        accent;       /* the selected marker, hover */
  gboolean       dark;         /* colour map variant */
  /* Per-segment colouring: values[seg_offset(isec) + iseg], NULL for none.  Use
   * nrt_shape_geometry_segment_offset () to index it. */
  const double  *values;
  double         lo, hi;       /* colour scale */
  const NrtShapeHighlight *highlights;
  guint          n_highlights;
  const NrtShapeMarker *markers;
  guint          n_markers;
  /* A hover location (section index ≥ 0) drawn as a ring, with its label. */
  int            hover_section;
  double         hover_x;
  const char    *hover_label;
  const char    *font;         /* Pango font description or NULL */
  gboolean       show_color_bar;
  const char    *color_bar_title;  /* "v (mV)" */
  gboolean       show_scale_bar;
} NrtShapeStyle;

/* Total number of segments and the index of the first segment of section isec in a values
 * array. */
guint nrt_shape_geometry_get_n_segments (const NrtShapeGeometry *geom);
guint nrt_shape_geometry_segment_offset (const NrtShapeGeometry *geom, guint isec);

void nrt_shape_render (cairo_t *cr, int width, int height, const NrtShapeGeometry *geom,
                       const NrtShapeCamera *cam, const NrtShapeStyle *style);

/* The colour map: t in [0, 1] → purple … yellow (plasma-like), a variant for dark
 * backgrounds that avoids the darkest purples.  Non-finite t gives grey. */
void nrt_shape_colormap (double t, gboolean dark, GdkRGBA *color);

/* Nearest section(x) to widget point (wx, wy), within max_dist pixels; x is snapped to the
 * node NEURON uses (segment centre, or 0/1 at the ends).  Returns the section index or -1. */
int  nrt_shape_pick (const NrtShapeGeometry *geom, const NrtShapeCamera *cam, int width,
                     int height, double wx, double wy, double max_dist, double *x);

/* Snaps x to NEURON's node for nseg segments: 0, 1, or the centre (i + 0.5)/nseg. */
double nrt_shape_snap_x (int nseg, double x);

/* Label placement.  A label of size w × h belongs to a marker centred at (ax, ay); placement
 * sets its top-left corner (x, y). */
typedef struct {
  double ax, ay;     /* the marker's centre, pixels */
  double w, h;       /* the label's size, pixels */
  double x, y;       /* out: the label's top-left corner */
} NrtShapeLabel;

/* A drawn piece of neurite: the line (x0, y0)–(x1, y1), r pixels either side of it. */
typedef struct {
  double x0, y0, x1, y1, r;
} NrtShapeSegment;

/* Places each label, in order, at the candidate position around its marker that overlaps
 * the least with the segments, every marker, the labels placed before it and the outside of
 * the width × height area; ties go to the earlier candidate (right of the marker and above
 * first).  Deterministic; nothing drawn. */
void   nrt_shape_place_labels (NrtShapeLabel         *labels,
                               guint                  n_labels,
                               const NrtShapeSegment *segments,
                               guint                  n_segments,
                               int                    width,
                               int                    height);
/* The overlap cost the placement minimises, for one rectangle: exposed so tests can check
 * that a placement is clear (0 = touches nothing). */
double nrt_shape_label_cost (double x, double y, double w, double h,
                             const NrtShapeLabel *placed, guint n_placed,
                             const NrtShapeLabel *markers, guint n_markers,
                             const NrtShapeSegment *segments, guint n_segments,
                             int width, int height);

/* ---- the widget ------------------------------------------------------------------------ */

#define NRT_TYPE_SHAPE_VIEW (nrt_shape_view_get_type ())
G_DECLARE_FINAL_TYPE (NrtShapeView, nrt_shape_view, NRT, SHAPE_VIEW, GtkWidget)

typedef enum {
  NRT_SHAPE_PICK_POINT,   /* a click picks section(x) */
  NRT_SHAPE_PICK_PATH,    /* a drag selects a path between two points */
} NrtShapePickMode;

GtkWidget *nrt_shape_view_new          (NrtModel       *model);
void       nrt_shape_view_set_model    (NrtShapeView   *self,
                                        NrtModel       *model);
/* (transfer none) (nullable) */
NrtModel  *nrt_shape_view_get_model    (NrtShapeView   *self);
/* The session whose frames colour the cell (with colouring on).  NULL for none. */
void       nrt_shape_view_set_session  (NrtShapeView   *self,
                                        NrtSession     *session);
void       nrt_shape_view_set_coloring (NrtShapeView   *self,
                                        gboolean        coloring);
void       nrt_shape_view_set_color_scale (NrtShapeView *self,
                                           double        lo,
                                           double        hi,
                                           const char   *title);
void       nrt_shape_view_get_color_scale (NrtShapeView *self,
                                           double       *lo,
                                           double       *hi);
void       nrt_shape_view_set_show_diam (NrtShapeView  *self,
                                         gboolean       show_diam);
gboolean   nrt_shape_view_get_show_diam (NrtShapeView  *self);
void       nrt_shape_view_set_pick_mode (NrtShapeView  *self,
                                         NrtShapePickMode mode);

void       nrt_shape_view_set_markers  (NrtShapeView   *self,
                                        const NrtShapeMarker *markers,
                                        guint           n);
/* Highlights by section name; color NULL removes every highlight of section. */
void       nrt_shape_view_add_highlight (NrtShapeView  *self,
                                         const char    *section,
                                         double         x0,
                                         double         x1,
                                         const GdkRGBA *color);
void       nrt_shape_view_clear_highlights (NrtShapeView *self);

/* View = plot. */
/* The camera and the widget size it was set up for (0 × 0 before the first draw), for layout
 * persistence.  set_camera keeps cam until the widget is resized to other than width ×
 * height while the view is still the automatic fit. */
void       nrt_shape_view_get_camera   (NrtShapeView   *self,
                                        NrtShapeCamera *cam,
                                        int            *width,
                                        int            *height);
void       nrt_shape_view_set_camera   (NrtShapeView   *self,
                                        const NrtShapeCamera *cam,
                                        int             width,
                                        int             height);
void       nrt_shape_view_fit          (NrtShapeView   *self);
void       nrt_shape_view_axis_view    (NrtShapeView   *self,
                                        char            axis);
void       nrt_shape_view_rotate       (NrtShapeView   *self,
                                        int             axis,
                                        double          degrees);
/* Zooms by factor (> 1 in) about widget point (wx, wy). */
void       nrt_shape_view_zoom         (NrtShapeView   *self,
                                        double          factor,
                                        double          wx,
                                        double          wy);

/* Where section(x) is drawn, in widget pixels.  FALSE when section is unknown or the widget
 * has no size yet. */
gboolean   nrt_shape_view_location_to_widget (NrtShapeView *self,
                                              const char   *section,
                                              double        x,
                                              double       *wx,
                                              double       *wy);
/* The nearest section(x) to widget point (wx, wy), snapped to the node; (transfer none)
 * section name or NULL when nothing is near. */
const char *nrt_shape_view_pick        (NrtShapeView   *self,
                                        double          wx,
                                        double          wy,
                                        double         *x);
/* What a click at (wx, wy) does: picks and emits ::section-picked.  Returns TRUE when
 * something was picked. */
gboolean   nrt_shape_view_click        (NrtShapeView   *self,
                                        double          wx,
                                        double          wy);
/* What a drag in path mode does: emits ::path-selected when both ends hit the cell. */
gboolean   nrt_shape_view_drag_path    (NrtShapeView   *self,
                                        double          wx0,
                                        double          wy0,
                                        double          wx1,
                                        double          wy1);
/* Reads the session's frame now (the tick callback does so every frame); TRUE when a new
 * frame arrived.  Tests call it instead of waiting for a frame clock. */
gboolean   nrt_shape_view_update       (NrtShapeView   *self);
/* Renders what the widget shows into an image surface of width × height (tests, exports). */
cairo_surface_t *nrt_shape_view_render_surface (NrtShapeView *self,
                                                int           width,
                                                int           height);
/* The value shown at section(x) now (NaN when none); for tests. */
double     nrt_shape_view_get_value    (NrtShapeView   *self,
                                        const char     *section,
                                        double          x);
/* Number of redraws queued because of a new frame (benchmark, tests). */
guint64    nrt_shape_view_get_n_frames (NrtShapeView   *self);

/* Signals:
 *   ::section-picked (const char *section, double x)       a click on the cell
 *   ::hovered (const char *section (nullable), double x)    the pointer over the cell
 *   ::marker-moved (guint index, const char *section, double x)  a marker dropped
 *   ::path-selected (const char *sec_a, double x_a, const char *sec_b, double x_b)
 */

G_END_DECLS
