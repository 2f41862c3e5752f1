namespace Lumina.Workflows;

/// <summary>
/// An expression as written in a workflow file, with its source line: a <c>when</c> or <c>foreach</c> (bare
/// JMESPath) or an output (a template, see <see cref="WorkflowExpressions"/>).
/// </summary>
/// <param name="Text">The expression's text.</param>
/// <param name="Line">The source line.</param>
/// <param name="IsTemplate">True when <see cref="Text"/> is a template (<c>${{ … }}</c> parts or a literal), false when it is bare JMESPath.</param>
public sealed record WorkflowExpression(string Text, int Line, bool IsTemplate);
