/// The one style sheet (`/static/casebook.css`): CSP allows only `style-src 'self'`.
extension WebApp {
    static let css = """
        body { font-family: system-ui, sans-serif; margin: 0; color: #111; background: #fff; line-height: 1.5; }
        header { background: #123; color: #fff; padding: 0.5rem 1rem; display: flex; flex-wrap: wrap; justify-content: space-between; align-items: center; gap: 0.5rem 1rem; }
        header p { margin: 0; }
        header a { color: #fff; }
        nav ul { list-style: none; margin: 0; padding: 0; display: flex; gap: 1rem; flex-wrap: wrap; }
        main { padding: 1rem; max-width: 80rem; }
        main > p, .field, dl { max-width: 60rem; }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; }
        th, td { border: 1px solid #888; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
        .field { margin: 0.75rem 0; }
        .field label { font-weight: bold; display: block; }
        .help { display: block; color: #333; font-size: 0.9rem; }
        textarea, input[type=text], input[type=search] { width: 100%; max-width: 40rem; box-sizing: border-box; font: inherit; }
        textarea { min-height: 6rem; }
        a.button, button { display: inline-block; padding: 0.4rem 0.8rem; background: #0b5; color: #000; border: 1px solid #063; text-decoration: none; font: inherit; }
        ul.steps { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.5rem; }
        .problem { border-left: 4px solid #b00; padding-left: 0.5rem; }
        .rule { color: #444; }
        dt { font-weight: bold; }
        dd { margin: 0 0 0.5rem 1rem; }
        main, dd, figcaption { overflow-wrap: anywhere; }
        th, td { overflow-wrap: normal; }
        select { font: inherit; }
        label.inline { display: inline; font-weight: normal; margin-left: 0.25rem; }
        form.filters { display: flex; flex-wrap: wrap; gap: 0 1rem; align-items: flex-end; }
        form.filters .field { min-width: 12rem; }
        ul.evidence { padding-left: 1.25rem; }
        ul.entries a.button { margin: 0.2rem 0; }
        .thumbs { display: flex; flex-wrap: wrap; gap: 0.5rem; margin: 0.25rem 0; }
        img.thumb { max-width: 10rem; max-height: 8rem; border: 1px solid #888; }
        img.full { max-width: 100%; height: auto; border: 1px solid #888; }
        figure { margin: 1rem 0; }
        .confidential { font-weight: bold; }
        ul.blocked > li { margin-bottom: 0.5rem; }
        @media (min-width: 40rem) {
          dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
          dt, dd { margin: 0; }
        }
        @media (max-width: 40rem) {
          main { padding: 0.5rem; }
          table, tbody, tr, td { display: block; }
          thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
          tr { border: 1px solid #888; margin-bottom: 0.5rem; }
          th, td { border: none; overflow-wrap: anywhere; }
          td[data-label]::before { content: attr(data-label) ": "; font-weight: bold; }
          dd { margin-left: 0.5rem; }
        }
        @media print { header, form, ul.steps, ul.entries { display: none; } }
        """
}
