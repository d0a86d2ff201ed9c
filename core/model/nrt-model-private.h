/* nrt-model-private.h: what the model's own files share and nobody else needs.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "nrt-model.h"

G_BEGIN_DECLS

gboolean nrt_geometry_spec_equal (const NrtGeometrySpec *a, const NrtGeometrySpec *b);
gboolean nrt_biophysics_spec_equal (const NrtBiophysicsSpec *a, const NrtBiophysicsSpec *b);

G_END_DECLS
