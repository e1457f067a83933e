package general

import "clientarea/internal/app"

// Function wires the general function: the section on its routes.
var Function = app.SectionFunction(Section)
