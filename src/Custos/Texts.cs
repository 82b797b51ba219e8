namespace Custos;

/// <summary>Marker for the user-facing texts in Resources/Texts.resx (English) and Texts.de.resx (German).</summary>
public sealed class Texts;
