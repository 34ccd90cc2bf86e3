"""Value stories: what members say the community gave them, in the value-creation cycles of Wenger, Trayner
& de Laat (immediate, potential, applied, realized), with the optional prompts after meetings."""
