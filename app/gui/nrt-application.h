/* nrt-application.h: Neurite's AdwApplication: app-wide actions, accelerators, file opening.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define NRT_TYPE_APPLICATION (nrt_application_get_type ())
G_DECLARE_FINAL_TYPE (NrtApplication, nrt_application, NRT, APPLICATION, AdwApplication)

NrtApplication *nrt_application_new (void);

G_END_DECLS
