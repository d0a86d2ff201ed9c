/* nrt-stick-view.c: the main window's overview of the cell, redrawn whenever the model changes.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nrt-ui-config.h"

#include <glib/gi18n-lib.h>

#include "nrt-stick-layout.h"
#include "nrt-stick-view.h"

struct _NrtStickView
{
  GtkWidget       parent_instance;

  NrtModel       *model;
  gulong          changed_id;
  NrtStickLayout *layout;  /* cached until the model changes */
};

G_DEFINE_FINAL_TYPE (NrtStickView, nrt_stick_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MODEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
on_model_changed (NrtStickView *self)
{
  g_clear_pointer (&self->layout, nrt_stick_layout_free);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
rgba_to_array (const GdkRGBA *c,
               double         alpha,
               double         out[4])
{
  out[0] = c->red;
  out[1] = c->green;
  out[2] = c->blue;
  out[3] = c->alpha * alpha;
}

static void
snapshot_placeholder (NrtStickView *self,
                      GtkSnapshot  *snapshot,
                      int           width,
                      int           height)
{
  g_autoptr(PangoLayout) pl = NULL;
  GtkStyleContext *ctx = gtk_widget_get_style_context (GTK_WIDGET (self));
  GdkRGBA fg;
  int w, h;

  pl = gtk_widget_create_pango_layout (GTK_WIDGET (self),
                                       self->model == NULL ? _("No model")
                                                           : _("This cell has no sections yet"));
  pango_layout_get_pixel_size (pl, &w, &h);
  gtk_style_context_get_color (ctx, &fg);
  fg.alpha *= 0.55;

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((width - w) / 2.0f, (height - h) / 2.0f));
  gtk_snapshot_append_layout (snapshot, pl, &fg);
  gtk_snapshot_restore (snapshot);
}

static void
nrt_stick_view_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  NrtStickView *self = NRT_STICK_VIEW (widget);
  GtkStyleContext *ctx = gtk_widget_get_style_context (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autofree char *font = NULL;
  NrtStickStyle style = { .show_labels = TRUE };
  GdkRGBA fg, accent, marker;
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;

  if (self->model != NULL && self->layout == NULL)
    self->layout = nrt_stick_layout_new (nrt_model_get_data (self->model));

  if (self->layout == NULL || self->layout->sticks->len == 0)
    {
      snapshot_placeholder (self, snapshot, width, height);
      return;
    }

  gtk_style_context_get_color (ctx, &fg);
  if (!gtk_style_context_lookup_color (ctx, "accent_color", &accent))
    accent = (GdkRGBA) { 0.21f, 0.52f, 0.89f, 1.0f };

  /* Stimuli in GNOME's orange, apart from the accent-blue cell; the lighter shade on dark
   * backgrounds (a light foreground colour means a dark style). */
  if (fg.red + fg.green + fg.blue > 1.5f)
    marker = (GdkRGBA) { 1.0f, 0.639f, 0.282f, 1.0f };   /* #ffa348 */
  else
    marker = (GdkRGBA) { 0.902f, 0.380f, 0.0f, 1.0f };   /* #e66100 */

  rgba_to_array (&accent, 1.0, style.stroke);
  rgba_to_array (&marker, 1.0, style.marker);
  rgba_to_array (&fg, 0.7, style.label);
  {
    PangoContext *pc = gtk_widget_get_pango_context (widget);
    font = pango_font_description_to_string (pango_context_get_font_description (pc));
  }
  style.font = font;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  nrt_stick_render (cr, width, height, self->layout, &style);
  cairo_destroy (cr);
}

static void
nrt_stick_view_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 240 : 180;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 640 : 400;
}

static void
nrt_stick_view_css_changed (GtkWidget         *widget,
                            GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (nrt_stick_view_parent_class)->css_changed (widget, change);
  /* The accent and text colours come from the style: redraw on theme or dark-mode changes. */
  gtk_widget_queue_draw (widget);
}

static void
nrt_stick_view_dispose (GObject *object)
{
  NrtStickView *self = NRT_STICK_VIEW (object);

  nrt_stick_view_set_model (self, NULL);

  G_OBJECT_CLASS (nrt_stick_view_parent_class)->dispose (object);
}

static void
nrt_stick_view_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  NrtStickView *self = NRT_STICK_VIEW (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nrt_stick_view_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  NrtStickView *self = NRT_STICK_VIEW (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      nrt_stick_view_set_model (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nrt_stick_view_class_init (NrtStickViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nrt_stick_view_dispose;
  object_class->get_property = nrt_stick_view_get_property;
  object_class->set_property = nrt_stick_view_set_property;

  widget_class->snapshot = nrt_stick_view_snapshot;
  widget_class->measure = nrt_stick_view_measure;
  widget_class->css_changed = nrt_stick_view_css_changed;

  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL,
                         NRT_TYPE_MODEL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "stickview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
nrt_stick_view_init (NrtStickView *self)
{
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
}

GtkWidget *
nrt_stick_view_new (void)
{
  return g_object_new (NRT_TYPE_STICK_VIEW, NULL);
}

NrtModel *
nrt_stick_view_get_model (NrtStickView *self)
{
  g_return_val_if_fail (NRT_IS_STICK_VIEW (self), NULL);

  return self->model;
}

void
nrt_stick_view_set_model (NrtStickView *self,
                          NrtModel     *model)
{
  g_return_if_fail (NRT_IS_STICK_VIEW (self));
  g_return_if_fail (model == NULL || NRT_IS_MODEL (model));

  if (self->model == model)
    return;

  if (self->model != NULL)
    g_clear_signal_handler (&self->changed_id, self->model);
  g_set_object (&self->model, model);
  if (model != NULL)
    self->changed_id = g_signal_connect_swapped (model, "changed",
                                                 G_CALLBACK (on_model_changed), self);

  on_model_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}
