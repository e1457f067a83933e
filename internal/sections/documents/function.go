package documents

import "clientarea/internal/app"

// Function wires the documents function: the section on its routes.
var Function = app.SectionFunction(Section)
