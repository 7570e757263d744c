#!/usr/bin/python3
"""Execute a Jupyter notebook headless with the project's tslab kernel and report failures usefully.

    /usr/bin/python3 scripts/run-notebook.py notebooks/NAME.ipynb [--timeout S] [--out PATH] [--project DIR]

The notebook file is never written: outputs stay in memory (or go to --out, which must be another
path), so committed notebooks stay output-free. The kernel runs with the notebook's folder as its
working directory. On a failing cell this prints the cell's index, its source and everything it
wrote to stderr plus its error output (tslab puts compiler diagnostics there, where `jupyter
nbconvert --execute` shows only "<Error>:"), and exits 1. Exit 2: bad usage or no kernel.
The kernelspec and tslab come from this repository (.jupyter/, node_modules/.bin), or with
--project DIR from another project laid out the same way (one made by `vmft init`).
"""
import argparse
import os
import signal
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def use_project(project):
    """Before importing jupyter_client: find the kernelspec in the project's .jupyter/ (put there by
    ensure-jupyter.mjs or `vmft init`), and let Jupyter start the kernel's bare `tslab` argv from
    the project's node_modules/.bin."""
    os.environ['JUPYTER_PATH'] = os.pathsep.join(
        p for p in [os.path.join(project, '.jupyter', 'share', 'jupyter'), os.environ.get('JUPYTER_PATH', '')] if p)
    os.environ['PATH'] = os.pathsep.join([os.path.join(project, 'node_modules', '.bin'), os.environ.get('PATH', '')])


def output_text(output):
    """The text a cell output carries: streams, errors and plain-text results."""
    kind = output.get('output_type')
    if kind == 'stream':
        return '[%s] %s' % (output.get('name'), output.get('text', ''))
    if kind == 'error':
        tb = '\n'.join(output.get('traceback') or [])
        return '[error] %s: %s\n%s' % (output.get('ename'), output.get('evalue'), tb)
    data = output.get('data') or {}
    if 'text/plain' in data:
        return '[%s] %s' % (kind, data['text/plain'])
    return ''


def report(path, nb, index, reason):
    bar = '=' * 72
    print(bar, file=sys.stderr)
    print('%s: cell %s failed (%s)' % (path, index, reason), file=sys.stderr)
    if index is not None and 0 <= index < len(nb.cells):
        cell = nb.cells[index]
        print('--- source of cell %d ---' % index, file=sys.stderr)
        print(cell.source, file=sys.stderr)
        print('--- output of cell %d ---' % index, file=sys.stderr)
        for out in cell.get('outputs', []):
            text = output_text(out)
            if text:
                print(text.rstrip('\n'), file=sys.stderr)
    print(bar, file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('notebook')
    ap.add_argument('--timeout', type=int, default=120, help='seconds per cell (default 120)')
    ap.add_argument('--kernel', default='tslab')
    ap.add_argument('--out', help='write the executed notebook here (never over the input)')
    ap.add_argument('--project', default=ROOT,
                    help='folder holding .jupyter/ (the kernelspec) and node_modules/.bin (tslab); default: this repository')
    args = ap.parse_args()
    use_project(os.path.abspath(args.project))

    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    from jupyter_client.kernelspec import NoSuchKernel

    path = os.path.abspath(args.notebook)
    if args.out and os.path.abspath(args.out) == path:
        print('run-notebook: --out must not be the notebook itself', file=sys.stderr)
        return 2
    nb = nbformat.read(path, as_version=4)
    # A SIGTERM (a test runner's timeout) unwinds through nbclient's cleanup, so the kernel is shut
    # down instead of being orphaned.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))

    current = {'index': None}

    def on_cell_start(cell, cell_index):
        current['index'] = cell_index

    client = NotebookClient(
        nb,
        timeout=args.timeout,
        startup_timeout=120,
        kernel_name=args.kernel,
        allow_errors=False,
        resources={'metadata': {'path': os.path.dirname(path)}},
        on_cell_start=on_cell_start,
    )
    status = 0
    try:
        client.execute()
    except NoSuchKernel:
        print('run-notebook: no "%s" kernel — run `node scripts/ensure-jupyter.mjs` first' % args.kernel,
              file=sys.stderr)
        return 2
    except CellTimeoutError:
        report(path, nb, current['index'], 'timed out after %d s' % args.timeout)
        status = 1
    except DeadKernelError as err:
        report(path, nb, current['index'], 'kernel died: %s' % err)
        status = 1
    except CellExecutionError as err:
        # tslab's error message is an empty "<Error>:"; the diagnostics are in the cell's output.
        last = str(err).strip().split('\n')[-1]
        report(path, nb, current['index'], last if last not in ('', '<Error>:') else 'see its output below')
        status = 1
    if args.out:
        nbformat.write(nb, args.out)
    if status == 0:
        print('%s: %d cells ok' % (args.notebook, len(nb.cells)))
    return status


if __name__ == '__main__':
    sys.exit(main())
